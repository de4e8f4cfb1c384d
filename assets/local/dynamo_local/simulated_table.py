"""An in-memory DynamoDB table that remembers every write, so any past state can be asked for.

Time semantics (chosen to match the export API, see export-format.md):
- a full export at time T holds every write with ts < T (strictly before T);
- an incremental window [from, to) holds every write with from <= ts < to.
So a full export at T followed by windows [T, T1), [T1, T2) ... sees every write exactly once.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Item = dict[str, Any]  # DynamoDB JSON: attribute name -> typed value such as {"S": "x"}
KeyTuple = tuple[Any, ...]


def key_value(typed: dict[str, Any]) -> Any:
    """Hashable Python value of a key attribute. N becomes a Decimal so "1" and "1.0" are one key
    (as in DynamoDB); B becomes bytes so base64 spelling does not matter."""
    ((tag, value),) = typed.items()
    if tag == "S":
        return value
    if tag == "N":
        return Decimal(value)
    if tag == "B":
        return base64.b64decode(value)
    raise ValueError(f"key attributes must be S, N or B, got {tag}")


def key_of(item: Item, key_names: Sequence[str]) -> KeyTuple:
    """Key tuple of an item (or of a Keys dict), in key_names order."""
    missing = [k for k in key_names if k not in item]
    if missing:
        raise KeyError(f"item lacks key attributes {missing}: {item!r}")
    return tuple(key_value(item[k]) for k in key_names)


@dataclass(frozen=True)
class Write:
    ts_micros: int
    item: Item | None  # None = deleted


@dataclass(frozen=True)
class Change:
    """One line of an incremental export: the final state of one key in a window."""

    keys: Item
    new_image: Item | None  # None: deleted at window end
    old_image: Item | None  # None: did not exist at window start
    write_ts_micros: int  # time of the key's last write in the window


class SimulatedTable:
    def __init__(self, key_names: list[str]):
        if not key_names or len(key_names) > 2:
            raise ValueError("a DynamoDB key has one or two attributes")
        self.key_names = list(key_names)
        self._history: dict[KeyTuple, list[Write]] = {}

    def key_of(self, item: Item) -> KeyTuple:
        return key_of(item, self.key_names)

    def keys_part(self, item: Item) -> Item:
        return {k: copy.deepcopy(item[k]) for k in self.key_names}

    # -- writes ---------------------------------------------------------------------------------

    def _append(self, key: KeyTuple, write: Write) -> None:
        history = self._history.setdefault(key, [])
        # Same-key writes must be strictly ordered, else "the last write" is ambiguous.
        if history and write.ts_micros <= history[-1].ts_micros:
            raise ValueError(
                f"write at {write.ts_micros} for {key!r} is not after the previous one at {history[-1].ts_micros}"
            )
        history.append(write)

    def put(self, item: Item, ts_micros: int) -> None:
        """PutItem: replaces the whole item. An update that removes attributes is a put of the
        reduced item."""
        key = self.key_of(item)
        self._append(key, Write(ts_micros, copy.deepcopy(item)))

    def delete(self, key_dict: Item, ts_micros: int) -> bool:
        """DeleteItem. Deleting an absent key changes nothing and, as in DynamoDB, is not a write
        (no stream record, no export line): returns False and records nothing."""
        key = self.key_of(key_dict)
        if self.current(key) is None:
            return False
        self._append(key, Write(ts_micros, None))
        return True

    # -- reads ----------------------------------------------------------------------------------

    def current(self, key: KeyTuple) -> Item | None:
        history = self._history.get(key)
        return copy.deepcopy(history[-1].item) if history else None

    def item_at(self, key: KeyTuple, ts_micros: int) -> Item | None:
        """The item as seen by a full export at ts_micros (writes with ts < ts_micros)."""
        found: Item | None = None
        for write in self._history.get(key, []):
            if write.ts_micros >= ts_micros:
                break
            found = write.item
        return copy.deepcopy(found)

    def state_at(self, ts_micros: int) -> dict[KeyTuple, Item]:
        """Every live item as of a full export at ts_micros (writes strictly before it)."""
        state = {}
        for key in self._history:
            item = self.item_at(key, ts_micros)
            if item is not None:
                state[key] = item
        return state

    def last_write_before(self, key: KeyTuple, ts_micros: int) -> int | None:
        """Time of the key's last write with ts < ts_micros (None if none)."""
        times = [w.ts_micros for w in self._history.get(key, []) if w.ts_micros < ts_micros]
        return times[-1] if times else None

    def changes_in(self, from_micros: int, to_micros: int) -> list[Change]:
        """One Change per key written in [from, to), sorted by key for determinism (the export
        writer shuffles). Keys absent both at the start and at the end are not emitted."""
        if to_micros <= from_micros:
            raise ValueError("empty or reversed window")
        out = []
        for key, history in self._history.items():
            in_window = [w for w in history if from_micros <= w.ts_micros < to_micros]
            if not in_window:
                continue
            old = self.item_at(key, from_micros)
            new = self.item_at(key, to_micros)
            if old is None and new is None:
                continue  # created and deleted inside the window
            image = new if new is not None else old
            assert image is not None  # not both None: skipped above
            out.append(
                Change(
                    keys=self.keys_part(image), new_image=new, old_image=old, write_ts_micros=in_window[-1].ts_micros
                )
            )
        out.sort(key=lambda c: _sortable(self.key_of(c.keys)))
        return out

    def all_write_times(self) -> list[int]:
        return sorted(w.ts_micros for h in self._history.values() for w in h)

    def keys(self) -> Iterable[KeyTuple]:
        return list(self._history)


def _sortable(key: KeyTuple) -> tuple[tuple[str, str], ...]:
    # Mixed key types cannot be compared directly; sort on (type name, text).
    return tuple((type(v).__name__, str(v)) for v in key)
