"""Learns each attribute's column type from the values seen (the type-mapping rules of the README).

A shape is a small tuple describing the values seen so far; shapes of one attribute merge as data is read,
per partition and then across partitions, and finally become a column type (an LType, see schema.py).
"""

from __future__ import annotations

import base64
from collections import Counter

from .decode import number_shape, parse_number, tag_of

# A map becomes a struct when its attribute has at most this many distinct keys; beyond, map<string, json>.
MAX_STRUCT_FIELDS = 32
# Levels of values below an attribute that a line may hold: DynamoDB's 32 levels of nesting, with one to spare.
MAX_LEVELS = 33
DECIMAL_PRECISION = 38
# Digit counts above this can never fit decimal(38, s); capping them keeps number histograms small.
_DIGIT_CAP = DECIMAL_PRECISION + 1

Shape = tuple  # ("S",) ("B",) ("BOOL",) ("NULL",) ("N", all_int64, Counter) ("SS",) ("NS", ...) ("BS",)
# ("L", element shape or None) ("LJ",) mixed list  ("M", {key: shape}) ("MJ",) dictionary-like map


def observe(value: dict, level: int = 0) -> Shape:
    """The shape of one value; also checks the value is well-formed DynamoDB JSON (raises ValueError).

    `level` is how deep the value sits below its attribute (the attribute's own value is level 0).
    """
    if level > MAX_LEVELS:
        raise ValueError(f"a value nests deeper than DynamoDB's {MAX_LEVELS - 1} levels")
    tag, raw = tag_of(value)
    if tag == "S":
        _expect(isinstance(raw, str), tag, raw)
        return ("S",)
    if tag == "N":
        return _number(parse_number(raw))
    if tag == "B":
        _expect(isinstance(raw, str), tag, raw)
        base64.b64decode(raw, validate=True)
        return ("B",)
    if tag == "BOOL":
        _expect(isinstance(raw, bool), tag, raw)
        return ("BOOL",)
    if tag == "NULL":
        return ("NULL",)
    if tag in ("SS", "BS", "NS"):
        _expect(isinstance(raw, list) and len(raw) > 0, tag, raw)
        element_tag = {"SS": "S", "BS": "B", "NS": "N"}[tag]
        shapes = [observe({element_tag: e}, level) for e in raw]
        return ("NS", *_merge_all(shapes)[1:]) if tag == "NS" else (tag,)
    if tag == "L":
        _expect(isinstance(raw, list), tag, raw)
        element: Shape | None = None
        mixed = False
        for item in raw:
            shape = observe(item, level + 1)
            merged = shape if element is None else merge(element, shape)
            mixed = mixed or merged is None
            element = merged if merged is not None else element
        return ("LJ",) if mixed else ("L", element)
    _expect(isinstance(raw, dict), tag, raw)
    fields = {key: observe(item, level + 1) for key, item in raw.items()}
    return ("M", fields) if len(fields) <= MAX_STRUCT_FIELDS else ("MJ",)


def _expect(ok: bool, tag: str, raw: object) -> None:
    if not ok:
        raise ValueError(f"malformed {tag} value {raw!r:.80}")


def _number(number) -> Shape:
    is_int64, scale, whole = number_shape(number)
    return ("N", is_int64, Counter({(min(scale, _DIGIT_CAP), min(whole, _DIGIT_CAP)): 1}))


def _merge_all(shapes) -> Shape:
    result = shapes[0]
    for shape in shapes[1:]:
        result = merge(result, shape)
    return result


def family(shape: Shape) -> str:
    """Shapes of one family can always merge; different families conflict."""
    return {"LJ": "L", "MJ": "M"}.get(shape[0], shape[0])


def merge(a: Shape, b: Shape) -> Shape | None:
    """The shape covering both, or None when they conflict (different DynamoDB types)."""
    if a[0] == "NULL":
        return b
    if b[0] == "NULL":
        return a
    if family(a) != family(b):
        return None
    tag = a[0]
    if tag != b[0]:  # a list or map that is mixed on one side is mixed overall
        return ("LJ",) if family(a) == "L" else ("MJ",)
    if tag in ("N", "NS"):
        return (tag, a[1] and b[1], a[2] + b[2])
    if tag == "L":
        if a[1] is None or b[1] is None:
            return a if b[1] is None else b
        element = merge(a[1], b[1])
        return ("L", element) if element is not None else ("LJ",)
    if tag == "M":
        fields = dict(a[1])
        for key, shape in b[1].items():
            merged = merge(fields[key], shape) if key in fields else shape
            if merged is None:
                return ("MJ",)
            fields[key] = merged
        return ("M", fields) if len(fields) <= MAX_STRUCT_FIELDS else ("MJ",)
    return a


class AttributeStats:
    """Per attribute, per type family: how many values were seen and their merged shape."""

    def __init__(self) -> None:
        self.families: dict[str, dict[str, list]] = {}

    def add(self, item: dict) -> None:
        for name, value in item.items():
            shape = observe(value)
            if shape[0] == "NULL":
                continue
            self._add(name, family(shape), 1, shape)

    def _add(self, name: str, fam: str, count: int, shape: Shape) -> None:
        seen = self.families.setdefault(name, {})
        if fam in seen:
            seen[fam][0] += count
            seen[fam][1] = merge(seen[fam][1], shape)
        else:
            seen[fam] = [count, shape]

    def update(self, other: AttributeStats) -> AttributeStats:
        for name, families in other.families.items():
            for fam, (count, shape) in families.items():
                self._add(name, fam, count, shape)
        return self

    def dominant_shapes(self) -> dict[str, Shape]:
        """Per attribute, the shape of its most frequent type (ties go to the first family name)."""
        result = {}
        for name, families in self.families.items():
            _, best = min(families.items(), key=lambda entry: (-entry[1][0], entry[0]))
            result[name] = best[1]
        return result


def number_type(all_int64: bool, histogram: Counter) -> dict:
    """long when every value is an int64, else decimal(38, s) with the scale that fits the most values.

    Among scales that fit equally many values the smallest wins, so when every value fits this is the
    smallest scale holding them all. Values that fit no decimal(38, s) go to `_unmapped`.
    """
    if all_int64:
        return {"kind": "long"}
    best_scale, best_fit = 0, -1
    for scale in range(DECIMAL_PRECISION + 1):
        fit = sum(n for (s, whole), n in histogram.items() if s <= scale and whole <= DECIMAL_PRECISION - scale)
        if fit > best_fit:
            best_scale, best_fit = scale, fit
    return {"kind": "decimal", "scale": best_scale}


def column_type(shape: Shape, name_fields) -> dict | None:
    """The LType for a shape; None when nothing but NULL was seen (no column is needed yet).

    `name_fields(keys)` gives struct field names for map keys (see columns.py).
    """
    tag = shape[0]
    simple = {"S": "string", "B": "binary", "BOOL": "boolean", "LJ": "json", "MJ": "map"}
    if tag in simple:
        return {"kind": simple[tag]}
    if tag == "NULL":
        return None
    if tag == "N":
        return number_type(shape[1], shape[2])
    if tag in ("SS", "BS"):
        return {"kind": "set", "element": {"kind": "string" if tag == "SS" else "binary"}}
    if tag == "NS":
        return {"kind": "set", "element": number_type(shape[1], shape[2])}
    if tag == "L":
        element = column_type(shape[1], name_fields) if shape[1] is not None else None
        return {"kind": "list", "element": element} if element is not None else {"kind": "json"}
    typed = {key: column_type(sub, name_fields) for key, sub in shape[1].items()}
    keys = sorted(key for key, sub in typed.items() if sub is not None)
    if not keys:
        return {"kind": "map"}
    names = name_fields(keys)
    return {"kind": "struct", "fields": [{"key": k, "name": names[k], "type": typed[k]} for k in keys]}
