"""The order objects load in, from the relations of the confirmed mapping.

A relation column points at another source object, which must load first so the join column
can be filled. A column pointing at its own object (a ticket merged into another ticket), or
an edge that closes a cycle, is deferred: its records are created first and linked in a second
pass, once every record of the cycle exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bt2twenty.mapping.model import Mapping

logger = logging.getLogger(__name__)

# Transforms whose `params.object` names a source object that must load first.
REFERENCE_TRANSFORMS = frozenset({"relation", "note_target", "attachment_target"})


@dataclass(frozen=True)
class LoadOrder:
    """Source objects in load order, and the columns linked in a second pass."""

    objects: list[str]
    deferred_links: dict[str, list[str]] = field(default_factory=dict)


def plan_load_order(mapping: Mapping) -> LoadOrder:
    """Sort the mapped source objects so that every parent loads before its children."""
    loaded = [
        name
        for name, object_mapping in mapping.objects.items()
        if not object_mapping.skip and object_mapping.target is not None
    ]
    edges: dict[str, dict[str, list[str]]] = {name: {} for name in loaded}
    deferred: dict[str, list[str]] = {}
    for name in loaded:
        for column, entry in mapping.objects[name].columns.items():
            parent = entry.params.get("object")
            if entry.skip or entry.transform not in REFERENCE_TRANSFORMS or not parent:
                continue
            if parent == name:
                deferred.setdefault(name, []).append(column)
            elif parent in edges:
                edges[name].setdefault(str(parent), []).append(column)

    order: list[str] = []
    remaining = dict(edges)
    while remaining:
        ready = [
            name for name in loaded if name in remaining and not remaining[name].keys() - set(order)
        ]
        if not ready:
            ready = [_break_cycle(remaining, order, deferred)]
        for name in ready:
            order.append(name)
            del remaining[name]
    logger.info("Load order: %s", " → ".join(order))
    return LoadOrder(objects=order, deferred_links=deferred)


def _break_cycle(
    remaining: dict[str, dict[str, list[str]]], order: list[str], deferred: dict[str, list[str]]
) -> str:
    """Pick the object with the fewest unmet parents and defer its links to them."""
    name = min(remaining, key=lambda item: len(remaining[item].keys() - set(order)))
    for parent, columns in remaining[name].items():
        if parent not in order:
            deferred.setdefault(name, []).extend(columns)
            logger.info("Cycle: %s links to %s in a second pass (%s)", name, parent, columns)
    return name
