"""Choose the rows of a sample run: N per object, plus the parents those rows need.

Objects are visited children first, so a child row chosen for the sample adds the parent rows
it points at to their object's selection before that object is chosen from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from bt2twenty.mapping.model import Mapping
from bt2twenty.pipeline.order import REFERENCE_TRANSFORMS

logger = logging.getLogger(__name__)


def choose_sample(
    mapping: Mapping,
    order: list[str],
    rows: Callable[[str], Iterator[dict[str, str]]],
    size: int,
) -> dict[str, set[str]]:
    """Return the source ids of each object that a sample of `size` per object loads."""
    chosen: dict[str, set[str]] = {name: set() for name in order}
    for name in reversed(order):
        references = [
            (column, str(entry.params["object"]))
            for column, entry in mapping.objects[name].columns.items()
            if entry.transform in REFERENCE_TRANSFORMS
            and not entry.skip
            and entry.params.get("object") in chosen
        ]
        picked = chosen[name]
        needed_by_children = set(picked)
        own = 0
        for row in rows(name):
            source_id = row.get("id", "").strip()
            if source_id not in needed_by_children:
                if own >= size:
                    continue
                own += 1
            picked.add(source_id)
            for column, parent in references:
                parent_id = row.get(column, "").strip()
                if parent_id and parent != name:
                    chosen[parent].add(parent_id)
    logger.info("Sample: %s", {name: len(ids) for name, ids in chosen.items()})
    return chosen
