"""Checks that the declared key (`--key`, or the key recorded in an existing table) is the source table's key.

A wrong key is silent otherwise: a key missing its sort key makes a full export's items collide on one
key, and every later window replaces all the rows sharing it. Two signs give it away, both read in the pass
that already reads every line: an incremental line's `Keys` holds exactly the table's key attributes,
and a full export never holds two items with one key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .convert import canonical_number
from .decode import parse_number


def check_line_key(keys: dict, image: dict | None, key: Sequence[str], incremental: bool) -> None:
    """Raises ValueError when a line lacks a declared key attribute or its Keys name another key."""
    if incremental and set(keys) != set(key):
        found = [n for n in key if n in keys] + [n for n in keys if n not in key]
        raise ValueError(
            f"its Keys hold the key ({', '.join(found)}) but the declared key is ({', '.join(key)}); the key must "
            f"be the source table's whole key (partition key, then sort key), e.g. --key {','.join(found)} "
            "(the construct's partitionKeyName and sortKeyName). "
            "A mirror bootstrapped with another key must be re-created from a full export"
        )
    for name in key:
        _check_key_value(name, keys.get(name))
        if image is not None:
            _check_key_value(name, image.get(name))


def _check_key_value(name: str, value: object) -> None:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("S", "N", "B"):
        raise ValueError(f"key attribute {name!r} is missing or not of type S, N or B: {value!r:.80}")


def key_text(keys: dict, key: Sequence[str]) -> str:
    """One text per key value, equal exactly when the table's key columns would be equal (numbers by value)."""
    parts = []
    for name in key:
        ((tag, raw),) = keys[name].items()
        parts.append([tag, canonical_number(parse_number(raw)) if tag == "N" else raw])
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def duplicate_key_message(text: str, key: Sequence[str], locations: Sequence[str]) -> str:
    value = ", ".join(
        f"{name}={json.dumps({tag: raw}, ensure_ascii=False)}" for name, (tag, raw) in zip(key, json.loads(text))
    )
    return (
        f"{' and '.join(locations)}: two items have the key {value}, but a DynamoDB key is unique: the declared key "
        f"({', '.join(key)}) is not the source table's whole key; give its partition key, then its sort key, in --key "
        "(the construct's partitionKeyName and sortKeyName)"
    )
