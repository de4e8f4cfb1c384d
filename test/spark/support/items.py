"""Seeded random DynamoDB items covering every type and the awkward corners of names and numbers.

An ItemFactory keeps a per-attribute "kind" so that its items look like a real table (columns with
stable types the job can infer), while mutation helpers break that on purpose (type changes,
removed and new attributes)."""

from __future__ import annotations

import base64
import copy
import random
from decimal import Decimal
from typing import Any, Callable

from dynamo_local.simulated_table import Item

TypedValue = dict[str, Any]

# Names that stress column naming: case collisions, SQL keywords, punctuation, unicode and the
# name of the job's own metadata column.
TRICKY_NAMES = [
    "Name",
    "name",
    "NAME",
    "select",
    "from",
    "order",
    "table",
    "first name",
    "a.b",
    "x-y",
    "#hash",
    "größe",
    "日本語",
    "UPPER_case",
    "_unmapped",
    "_write_ts",
    "emoji😀",
    "1starts_digit",
]

# Number texts at the edges of what DynamoDB and the candidate column types hold. The largest magnitude
# DynamoDB takes has 38 significant digits (9.9999999999999999999999999999999999999E+125).
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
EDGE_NUMBERS = [
    str(INT64_MAX),
    str(INT64_MIN),
    str(INT64_MAX + 1),
    str(INT64_MIN - 1),
    str(INT64_MAX - 1),
    "1E-130",
    "-1E-130",
    "9.9999999999999999999999999999999999999E+125",
    "-9.9999999999999999999999999999999999999E+125",
    "1E+125",
    "12345678901234567890123456789012345678",
    "-1234567890123456789.012345678901234567",
    "0.00000000000000000000000000000000000001",
    "0",
    "-0.5",
]

UNICODE_SAMPLES = [
    "",
    " ",
    "ä",
    "日本",
    "😀",
    'a"b',
    "back\\slash",
    "line\nbreak",
    "tab\t",
    "Ωmega",
    "\u200b",
    "null",
    '{"S":"x"}',
    "1E+5",
]


def random_string(rng: random.Random, max_len: int = 12) -> str:
    if rng.random() < 0.3:
        return rng.choice(UNICODE_SAMPLES)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.#äöü日本😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))


def number_text(rng: random.Random, kind: str) -> str:
    """Kinds: int (small), int64_edge, decimal2 (scale <= 2), decimal (scale 0..12), wide
    (38 significant digits), extreme (magnitude limits), any."""
    if kind == "any":
        kind = rng.choice(["int", "int64_edge", "decimal2", "decimal", "wide", "extreme"])
    if kind == "int":
        return str(rng.randint(-(10**6), 10**6))
    if kind == "int64_edge":
        return str(
            rng.choice(
                [
                    INT64_MAX,
                    INT64_MIN,
                    INT64_MAX - rng.randint(0, 1000),
                    INT64_MIN + rng.randint(0, 1000),
                    rng.randint(-(10**18), 10**18),
                ]
            )
        )
    if kind == "decimal2":
        return _decimal_text(rng.randint(-(10**9), 10**9), rng.randint(0, 2))
    if kind == "decimal":
        return _decimal_text(rng.randint(-(10**15), 10**15), rng.randint(0, 12))
    if kind == "wide":
        digits = rng.randint(10**37, 10**38 - 1) * rng.choice([1, -1])
        return _decimal_text(digits, rng.randint(0, 20))
    if kind == "extreme":
        return rng.choice(EDGE_NUMBERS)
    raise ValueError(kind)


def _decimal_text(unscaled: int, scale: int) -> str:
    # Built from a tuple: Decimal arithmetic (scaleb, normalize, ...) would round to 28 digits.
    d = Decimal((1 if unscaled < 0 else 0, tuple(int(c) for c in str(abs(unscaled))), -scale))
    return format(d, "f")


def random_bytes(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(rng.randint(1, 24))).decode("ascii")


def _unique(rng: random.Random, make: Callable[[], Any], norm: Callable[[Any], Any], n: int) -> list:
    seen, out = set(), []
    for _ in range(n * 4):
        v = make()
        if norm(v) not in seen:
            seen.add(norm(v))
            out.append(v)
        if len(out) == n:
            break
    return out


def random_set(rng: random.Random, tag: str) -> TypedValue:
    """Non-empty set without duplicates (NS duplicates are by value: 1 and 1.0 are one)."""
    n = rng.randint(1, 5)
    if tag == "SS":
        return {"SS": _unique(rng, lambda: random_string(rng), lambda v: v, n)}
    if tag == "NS":
        return {"NS": _unique(rng, lambda: number_text(rng, rng.choice(["int", "decimal2"])), Decimal, n)}
    if tag == "BS":
        return {"BS": _unique(rng, lambda: random_bytes(rng), base64.b64decode, n)}
    raise ValueError(tag)


SCALAR_TAGS = ["S", "N", "B", "BOOL", "NULL"]
ALL_TAGS = SCALAR_TAGS + ["SS", "NS", "BS", "L", "M"]


def random_value(rng: random.Random, tag: str | None = None, depth: int = 0) -> TypedValue:
    """Any DynamoDB value (of the given tag); containers nest at most 3 levels below depth."""
    if tag is None:
        tag = rng.choice(ALL_TAGS if depth < 3 else SCALAR_TAGS)
    if tag == "S":
        return {"S": random_string(rng)}
    if tag == "N":
        return {"N": number_text(rng, "any")}
    if tag == "B":
        return {"B": random_bytes(rng)}
    if tag == "BOOL":
        return {"BOOL": rng.random() < 0.5}
    if tag == "NULL":
        return {"NULL": True}
    if tag in ("SS", "NS", "BS"):
        return random_set(rng, tag)
    if tag == "L":
        return {"L": [random_value(rng, None, depth + 1) for _ in range(rng.randint(0, 4))]}
    if tag == "M":
        return {"M": {random_name(rng): random_value(rng, None, depth + 1) for _ in range(rng.randint(0, 4))}}
    raise ValueError(tag)


def random_name(rng: random.Random) -> str:
    return rng.choice(TRICKY_NAMES) if rng.random() < 0.4 else random_string(rng, 8) or "e"


# -- kinds: stable value shapes per attribute -------------------------------------------------


class Kind:
    """A generator of values of one stable shape (what a column would be inferred from)."""

    def __init__(self, name: str, make: Callable[[random.Random], TypedValue]):
        self.name = name
        self.make = make

    def __repr__(self) -> str:
        return f"Kind({self.name})"


def _record_kind(rng: random.Random, depth: int) -> Kind:
    """M that looks like a record: a few stable keys with stable kinds; keys sometimes absent or
    NULL (both become a null struct field)."""
    fields = {}
    for name in rng.sample(
        ["id", "Name", "name", "qty", "price", "tags", "when", "a b", "ok", "blob"], rng.randint(1, 4)
    ):
        fields[name] = (
            _record_kind(rng, depth + 1) if depth < 2 and rng.random() < 0.25 else rng.choice(_scalar_kinds())
        )

    def make(r: random.Random) -> TypedValue:
        out = {}
        for k, kind in fields.items():
            roll = r.random()
            if roll < 0.1:
                continue
            out[k] = {"NULL": True} if roll < 0.15 else kind.make(r)
        return {"M": out}

    return Kind(f"record{sorted(fields)}", make)


def _dict_kind(value_kind: Kind) -> Kind:
    """M that looks like a dictionary: many varying keys."""

    def make(r: random.Random) -> TypedValue:
        return {"M": {f"{random_string(r, 6)}#{i}": value_kind.make(r) for i in range(r.randint(0, 30))}}

    return Kind(f"dict[{value_kind.name}]", make)


def _list_kind(element: Kind) -> Kind:
    def make(r: random.Random) -> TypedValue:
        return {"L": [element.make(r) if r.random() > 0.1 else {"NULL": True} for _ in range(r.randint(0, 5))]}

    return Kind(f"list[{element.name}]", make)


def _scalar_kinds() -> list[Kind]:
    return [
        Kind("S", lambda r: {"S": random_string(r)}),
        Kind("N_int", lambda r: {"N": number_text(r, "int")}),
        Kind("N_int64_edge", lambda r: {"N": number_text(r, "int64_edge")}),
        Kind("N_decimal2", lambda r: {"N": number_text(r, "decimal2")}),
        Kind("N_decimal", lambda r: {"N": number_text(r, "decimal")}),
        Kind("N_wide", lambda r: {"N": number_text(r, "wide")}),
        Kind("N_extreme", lambda r: {"N": number_text(r, "extreme")}),
        Kind("B", lambda r: {"B": random_bytes(r)}),
        Kind("BOOL", lambda r: {"BOOL": r.random() < 0.5}),
    ]


def all_kinds(rng: random.Random) -> list[Kind]:
    """One of every shape; record kinds are drawn fresh (their fields are random)."""
    scalars = _scalar_kinds()
    by_name = {k.name: k for k in scalars}
    return scalars + [
        Kind("NULL", lambda r: {"NULL": True}),
        Kind("SS", lambda r: random_set(r, "SS")),
        Kind("NS", lambda r: random_set(r, "NS")),
        Kind("BS", lambda r: random_set(r, "BS")),
        _list_kind(by_name["S"]),
        _list_kind(by_name["N_decimal2"]),
        _list_kind(_record_kind(rng, 1)),
        Kind("list_mixed", lambda r: {"L": [random_value(r, None, 1) for _ in range(r.randint(0, 5))]}),
        Kind(
            "list_nested",
            lambda r: {
                "L": [{"L": [by_name["N_int"].make(r) for _ in range(r.randint(0, 3))]} for _ in range(r.randint(0, 3))]
            },
        ),
        Kind("list_empty", lambda r: {"L": []}),
        _record_kind(rng, 0),
        _record_kind(rng, 0),
        _dict_kind(by_name["S"]),
        _dict_kind(by_name["N_int"]),
        Kind("M_any", lambda r: random_value(r, "M", 1)),
    ]


class ItemFactory:
    """Items of one imaginary table. key_schema maps key attribute names to S, N or B."""

    def __init__(self, rng: random.Random, key_schema: dict[str, str] | None = None, n_attributes: int = 14):
        self.rng = rng
        self.key_schema = dict(key_schema or {"pk": "S"})
        if any(t not in ("S", "N", "B") for t in self.key_schema.values()):
            raise ValueError("key attributes are S, N or B")
        self._kinds = all_kinds(rng)
        names = [n for n in TRICKY_NAMES if n not in self.key_schema]
        names += [f"attr_{i:02d}" for i in range(n_attributes)]
        rng.shuffle(names)
        names = names[: max(n_attributes, 1)]
        for forced in ("Name", "name", "_unmapped"):  # always have a case collision and _unmapped
            if forced not in names and forced not in self.key_schema:
                names.append(forced)
        self.schema: dict[str, Kind] = {n: rng.choice(self._kinds) for n in names}
        self._counter = 0

    def new_key(self) -> Item:
        self._counter += 1
        out = {}
        for name, tag in self.key_schema.items():
            if tag == "S":
                out[name] = {"S": f"k{self._counter}-{self.rng.choice(['', 'ä', '日本', ' x', '#'])}"}
            elif tag == "N":
                out[name] = {"N": str(self._counter * 7 - 3) if self.rng.random() < 0.8 else f"{self._counter}.5"}
            else:
                out[name] = {"B": base64.b64encode(self._counter.to_bytes(4, "big") + b"\xff").decode()}
        return out

    def new_item(self, key: Item | None = None) -> Item:
        item = copy.deepcopy(key) if key is not None else self.new_key()
        for name, kind in self.schema.items():
            if self.rng.random() < 0.75:
                item[name] = kind.make(self.rng)
        return item

    def update_item(self, item: Item) -> Item:
        """Same key, same kinds, some values changed (and some attributes present or not)."""
        out = copy.deepcopy(item)
        for name, kind in self.schema.items():
            roll = self.rng.random()
            if roll < 0.4:
                out[name] = kind.make(self.rng)
        return out

    def remove_attributes(self, item: Item, n: int | None = None) -> Item:
        """The item after an UpdateItem REMOVE of n non-key attributes (whole-item semantics)."""
        out = copy.deepcopy(item)
        candidates = [a for a in out if a not in self.key_schema]
        n = self.rng.randint(1, max(1, len(candidates))) if n is None else n
        for name in self.rng.sample(candidates, min(n, len(candidates))):
            del out[name]
        return out

    def add_attributes(self, item: Item, n: int = 1) -> Item:
        """Adds n attributes with names never seen before (schema evolution)."""
        out = copy.deepcopy(item)
        for _ in range(n):
            self._counter += 1
            name = f"New Attr {self._counter}" if self.rng.random() < 0.5 else f"added.{self._counter}"
            kind = self.rng.choice(self._kinds)
            self.schema[name] = kind
            out[name] = kind.make(self.rng)
        return out

    def change_type(self, item: Item, name: str | None = None) -> Item:
        """One non-key attribute gets a value of another DynamoDB type than it had."""
        out = copy.deepcopy(item)
        candidates = [a for a in out if a not in self.key_schema and "NULL" not in out[a]]
        if name is None:
            if not candidates:
                return self.add_attributes(out)
            name = self.rng.choice(candidates)
        old_tag = next(iter(out[name])) if name in out else None
        new_tag = self.rng.choice([t for t in ALL_TAGS if t not in (old_tag, "NULL")])
        out[name] = random_value(self.rng, new_tag, 1)
        return out
