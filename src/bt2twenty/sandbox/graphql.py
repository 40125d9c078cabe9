"""GraphQL at ``/graphql`` and ``/metadata``: file uploads (multipart) and invitations."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, SelectionSetNode, parse
from graphql.utilities import value_from_ast_untyped
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bt2twenty.sandbox.errors import SandboxError, bad_request, not_found
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.schema import JsonObject
from bt2twenty.sandbox.values import is_uuid
from bt2twenty.sandbox.workspace import format_timestamp, utc_now

logger = logging.getLogger(__name__)

# Multipart uploads above this size are rejected, as Twenty's 100 MB setting does.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def graphql_error(message: str, code: str) -> JsonObject:
    """Return a GraphQL error response body."""
    return {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}


async def _read_operation(request: Request) -> tuple[JsonObject, dict[str, bytes | UploadFile]]:
    """Return the operation document and, for a multipart request, the files by form key."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError as failure:
            raise bad_request(f"Invalid JSON body: {failure}") from None
        return body, {}
    form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
    try:
        operations = json.loads(str(form["operations"]))
        mapping = json.loads(str(form.get("map", "{}")))
    except (KeyError, json.JSONDecodeError):
        raise bad_request(
            "Multipart GraphQL request needs 'operations' and 'map' JSON fields"
        ) from None
    files = {key: value for key, value in form.multi_items() if isinstance(value, UploadFile)}
    for key, paths in mapping.items():
        if key not in files:
            raise bad_request(
                f"Multipart map names file '{key}', which the request does not contain"
            )
        for path in paths:
            _place_upload(operations, path, files[key])
    return operations, dict(files)


def _place_upload(operations: JsonObject, path: str, upload: UploadFile) -> None:
    target: Any = operations
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = upload
    else:
        target[last] = upload


def _project(value: Any, selection: SelectionSetNode | None) -> Any:
    """Keep only the sub-fields a query selected."""
    if selection is None or value is None:
        return value
    if isinstance(value, list):
        return [_project(item, selection) for item in value]
    result: JsonObject = {}
    for node in selection.selections:
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            result[key] = _project(value.get(node.name.value), node.selection_set)
    return result


class GraphQLExecutor:
    """Run the few mutations the migration tool sends."""

    def __init__(self, runtime: Runtime, base_url: str) -> None:
        self.runtime = runtime
        self.base_url = base_url
        self.store = runtime.workspace.store

    async def execute(
        self, operation_text: str, variables: JsonObject, operation_name: str | None
    ) -> JsonObject:
        """Parse the document and resolve each root field in order."""
        try:
            document = parse(operation_text)
        except GraphQLError as failure:
            logger.info("Rejected a GraphQL document that does not parse: %s", failure.message)
            return graphql_error(f"Syntax Error: {failure.message}", "GRAPHQL_PARSE_FAILED")
        operations = [
            node for node in document.definitions if isinstance(node, OperationDefinitionNode)
        ]
        chosen = [
            node
            for node in operations
            if operation_name is None or (node.name and node.name.value == operation_name)
        ]
        if len(chosen) != 1:
            logger.info("Rejected a GraphQL request with %d matching operations", len(chosen))
            return graphql_error(
                "Must provide exactly one operation, or name one with operationName",
                "BAD_USER_INPUT",
            )
        data: JsonObject = {}
        for node in chosen[0].selection_set.selections:
            if not isinstance(node, FieldNode):
                continue
            key = node.alias.value if node.alias else node.name.value
            arguments = {
                argument.name.value: value_from_ast_untyped(argument.value, variables)
                for argument in node.arguments or ()
            }
            data[key] = _project(
                await self._resolve(chosen[0].operation.value, node.name.value, arguments),
                node.selection_set,
            )
        return {"data": data}

    async def _resolve(self, operation: str, name: str, arguments: JsonObject) -> Any:
        era = self.runtime.era
        if operation == "mutation" and name == "uploadFile" and era == "v1":
            return await self._upload_file(arguments)
        if operation == "mutation" and name == "uploadFilesFieldFile" and era == "v2":
            return await self._upload_files_field_file(arguments)
        if operation == "mutation" and name == "sendInvitations":
            return self._send_invitations(arguments)
        type_name = "Mutation" if operation == "mutation" else "Query"
        raise SandboxError(
            f'Cannot query field "{name}" on type "{type_name}".', code="GRAPHQL_VALIDATION_FAILED"
        )

    async def _read_upload(self, arguments: JsonObject) -> tuple[UploadFile, bytes]:
        upload = arguments.get("file")
        if not isinstance(upload, UploadFile):
            raise bad_request('Variable "file" must be an Upload sent as a multipart request')
        content = await upload.read()
        if len(content) > MAX_UPLOAD_BYTES:
            raise bad_request(
                f"File {upload.filename} is {len(content)} bytes, "
                f"above the {MAX_UPLOAD_BYTES}-byte limit"
            )
        return upload, content

    def _save(
        self, upload: UploadFile, content: bytes, folder: str, field_id: str | None
    ) -> JsonObject:
        file_id = str(uuid.uuid4())
        name = upload.filename or "file"
        extension = name.rsplit(".", 1)[-1] if "." in name else ""
        path = f"{folder}/{file_id}" + (f".{extension}" if extension else "")
        mime_type = (
            upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        document = {
            "id": file_id,
            "path": path,
            "name": name,
            "mimeType": mime_type,
            "size": len(content),
            "createdAt": utc_now(),
            "fieldMetadataId": field_id,
            "url": f"{self.base_url}/files/{path}",
        }
        with self.runtime.transaction():
            self.store.save_file(document, content)
        logger.info("Stored upload %s (%d bytes) as %s", name, len(content), path)
        return document

    async def _upload_file(self, arguments: JsonObject) -> str:
        upload, content = await self._read_upload(arguments)
        folder = str(arguments.get("fileFolder") or "Attachment")
        folder = re.sub(r"(?<!^)(?=[A-Z])", "-", folder).lower()
        return str(self._save(upload, content, folder, None)["path"])

    async def _upload_files_field_file(self, arguments: JsonObject) -> JsonObject:
        field_id = arguments.get("fieldMetadataId")
        field = self.runtime.workspace.field_by_id(str(field_id)) if is_uuid(field_id) else None
        if field is None:
            raise not_found(f"Field metadata {field_id} not found")
        if field.type != "FILES":
            raise bad_request(f"Field {field.name} is a {field.type} field, not a FILES field")
        upload, content = await self._read_upload(arguments)
        return self._save(upload, content, "files-field", field.id)

    def _send_invitations(self, arguments: JsonObject) -> JsonObject:
        emails = arguments.get("emails")
        if not isinstance(emails, list) or not all(isinstance(email, str) for email in emails):
            raise bad_request("emails must be a list of email addresses")
        invalid = [email for email in emails if not _EMAIL.match(email)]
        if invalid:
            raise bad_request(f"emails must contain valid email addresses: {', '.join(invalid)}")
        if len({email.lower() for email in emails}) != len(emails):
            raise bad_request("emails must be unique")
        members = {
            str(record.get("userEmail", "")).lower()
            for record in self.store.records_of("workspaceMember")
        }
        errors, result = [], []
        expires = format_timestamp(datetime.now(UTC) + timedelta(days=14))
        with self.runtime.transaction():
            for email in emails:
                if email.lower() in members:
                    errors.append(f"{email}: User is already in workspace")
                    continue
                invitation = {
                    "id": str(uuid.uuid4()),
                    "email": email.lower(),
                    "roleId": arguments.get("roleId"),
                    "expiresAt": expires,
                    "createdAt": utc_now(),
                }
                self.store.save_invitation(invitation)
                result.append(invitation)
        logger.info("Recorded %d invitations, %d rejected", len(result), len(errors))
        return {"success": not errors, "errors": errors, "result": result}


async def graphql_endpoint(request: Request) -> JSONResponse:
    """``POST /graphql`` and ``POST /metadata``."""
    runtime: Runtime = request.app.state.runtime
    operation, _ = await _read_operation(request)
    query = operation.get("query")
    if not isinstance(query, str):
        logger.info("Rejected a GraphQL request without a query string")
        return JSONResponse(
            graphql_error("Must provide query string.", "BAD_REQUEST"), status_code=400
        )
    executor = GraphQLExecutor(runtime, f"{request.url.scheme}://{request.url.netloc}")
    result = await executor.execute(
        query, operation.get("variables") or {}, operation.get("operationName")
    )
    return JSONResponse(result)


async def download_file(request: Request) -> Response:
    """``GET /files/{path}``: the stored bytes of an upload."""
    runtime: Runtime = request.app.state.runtime
    found = runtime.workspace.store.file_by_path(request.path_params["path"])
    if found is None:
        raise not_found(f"File {request.path_params['path']} not found")
    name, mime_type, content = found
    return Response(
        content,
        media_type=mime_type,
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


async def download_files_field_file(request: Request) -> Response:
    """``GET /files-field/{id}`` (2.x): a FILES-field upload, once a record references it.

    Twenty keeps an upload as a temporary file until a record's FILES field takes it, and
    refuses to serve a temporary file.
    """
    runtime: Runtime = request.app.state.runtime
    store = runtime.workspace.store
    file_id = request.path_params["id"]
    found = store.file_by_path(file_id) if is_uuid(file_id) else None
    if found is None:
        raise not_found("File not found")
    if not store.is_file_referenced(file_id):
        raise not_found(
            f"File {file_id} is not associated with a files field. It can't be downloaded."
        )
    name, mime_type, content = found
    return Response(
        content,
        media_type=mime_type,
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


def graphql_routes() -> list[Route]:
    """Return the GraphQL and file routes."""
    return [
        Route("/graphql", graphql_endpoint, methods=["POST"]),
        Route("/metadata", graphql_endpoint, methods=["POST"]),
        Route("/files/{path:path}", download_file, methods=["GET"]),
        Route("/files-field/{id}", download_files_field_file, methods=["GET"]),
    ]
