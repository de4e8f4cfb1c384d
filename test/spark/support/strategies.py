"""Hypothesis strategies: random write histories for a SimulatedTable, and export timelines over
them. Item contents come from a seeded ItemFactory (the seed is drawn, so failures replay);
the shape of the history (which operation, which key, how much time passes) is drawn directly
so that hypothesis can shrink it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from dynamo_local.simulated_table import Item, KeyTuple, SimulatedTable, key_of
from hypothesis import strategies as st

from .items import ItemFactory

OpKind = Literal[
    "put_new", "update", "update_remove", "type_change", "add_attributes", "recreate", "delete", "delete_unknown"
]
OP_KINDS: list[OpKind] = [
    "put_new",
    "update",
    "update_remove",
    "type_change",
    "add_attributes",
    "recreate",
    "delete",
    "delete_unknown",
]

MS = 1000
# 2026-01-14T10:18:50.622Z, the time of the real full export in export-format.md.
DEFAULT_START_MICROS = 1_768_385_930_622_000


@dataclass(frozen=True)
class Op:
    kind: OpKind
    ts_micros: int
    item: Item | None = None  # the whole new item, for put-like kinds
    key: Item | None = None  # the Keys, for deletes

    def apply(self, table: SimulatedTable) -> None:
        if self.item is not None:
            table.put(self.item, self.ts_micros)
        else:
            table.delete(self.key, self.ts_micros)


def apply_ops(table: SimulatedTable, ops: list[Op]) -> SimulatedTable:
    for op in ops:
        op.apply(table)
    return table


@st.composite
def operations(
    draw: st.DrawFn,
    key_schema: dict[str, str] | None = None,
    min_ops: int = 1,
    max_ops: int = 40,
    start_micros: int = DEFAULT_START_MICROS,
    max_step_ms: int = 120_000,
) -> list[Op]:
    """A history of writes with strictly increasing, millisecond-aligned timestamps."""
    key_schema = key_schema or {"pk": "S"}
    key_names = list(key_schema)
    factory = ItemFactory(random.Random(draw(st.integers(0, 2**32 - 1))), key_schema)
    live: dict[KeyTuple, Item] = {}
    deleted: dict[KeyTuple, Item] = {}
    ts = start_micros
    ops: list[Op] = []
    for _ in range(draw(st.integers(min_ops, max_ops))):
        ts += draw(st.integers(1, max_step_ms)) * MS
        kind: OpKind = draw(st.sampled_from(OP_KINDS))
        if kind in ("update", "update_remove", "type_change", "add_attributes", "delete") and not live:
            kind = "put_new"
        if kind == "recreate" and not deleted:
            kind = "put_new"
        if kind == "delete_unknown":
            ops.append(Op(kind, ts, key=factory.new_key()))  # a key never written
            continue
        if kind == "put_new":
            item = factory.new_item()
        elif kind == "recreate":
            k = draw(st.sampled_from(sorted(deleted, key=repr)))
            gone = deleted.pop(k)
            item = factory.new_item({n: gone[n] for n in key_names})
        else:
            k = draw(st.sampled_from(sorted(live, key=repr)))
            old = live[k]
            if kind == "delete":
                ops.append(Op(kind, ts, key={n: old[n] for n in key_names}))
                deleted[k] = live.pop(k)
                continue
            item = {
                "update": factory.update_item,
                "update_remove": factory.remove_attributes,
                "type_change": factory.change_type,
                "add_attributes": factory.add_attributes,
            }[kind](old)
        live[key_of(item, key_names)] = item
        ops.append(Op(kind, ts, item=item))
    return ops


@dataclass(frozen=True)
class Timeline:
    """Writes plus the exports to take: a full export at full_export_micros, then incremental
    windows chained end to start, the last one ending after the last write."""

    key_names: list[str]
    ops: list[Op]
    full_export_micros: int
    windows: list[tuple[int, int]] = field(default_factory=list)

    def table(self) -> SimulatedTable:
        return apply_ops(SimulatedTable(self.key_names), self.ops)


@st.composite
def timelines(
    draw: st.DrawFn, key_schema: dict[str, str] | None = None, max_ops: int = 40, max_windows: int = 4
) -> Timeline:
    """Boundaries often fall exactly on a write's timestamp, to exercise the edges: a write at the
    full export time is NOT in the full export; a write at a window start IS in that window."""
    key_schema = key_schema or {"pk": "S"}
    ops = draw(operations(key_schema, min_ops=2, max_ops=max_ops))
    times = [op.ts_micros for op in ops]
    first, last = times[0], times[-1]

    def boundary(low: int) -> int:
        candidates = [t for t in times if t > low]
        if candidates and draw(st.booleans()):
            return draw(st.sampled_from(candidates))
        return low + draw(st.integers(1, 90_000)) * MS

    full = draw(st.sampled_from(times)) if draw(st.booleans()) else first + draw(st.integers(0, 60_000)) * MS
    windows = []
    start = full
    for _ in range(draw(st.integers(1, max_windows)) - 1):
        end = boundary(start)
        windows.append((start, end))
        start = end
        if start > last:
            break
    if start <= last:
        end = last + draw(st.integers(1, 60_000)) * MS
        windows.append((start, end))
    return Timeline(list(key_schema), ops, full, windows)
