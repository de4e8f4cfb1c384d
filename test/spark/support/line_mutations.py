"""Hypothesis strategies for export lines: DynamoDB JSON values DynamoDB could write, and values and lines broken
on purpose. Each case says by construction whether the job must mirror it exactly or refuse its line.

Left out, each refused by its own test in test_bad_input.py: number texts Python's Decimal reads but DynamoDB
never writes (`1_0`, ` 1`, non-ASCII digits), exponents beyond the engine's decimal context (E+1000), lone
surrogate escapes, `{"NULL": false}`, nesting deeper than Python's recursion limit.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

names = st.text(min_size=1, max_size=6).filter(lambda name: name not in ("pk", "sk"))

# DynamoDB's number grammar in ASCII; magnitudes a little past its limits are kept verbatim, not refused.
numbers = st.builds(
    lambda sign, whole, fraction, exponent: (
        sign + whole + ("" if fraction is None else "." + fraction) + ("" if exponent is None else f"E{exponent:+d}")
    ),
    st.sampled_from(["", "-"]),
    st.text("0123456789", min_size=1, max_size=38),
    st.none() | st.text("0123456789", min_size=1, max_size=20),
    st.none() | st.integers(-140, 135),
)
base64_texts = st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode("ascii"))

scalars = st.one_of(
    st.text(max_size=8).map(lambda s: {"S": s}),
    numbers.map(lambda n: {"N": n}),
    base64_texts.map(lambda b: {"B": b}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.lists(st.text(max_size=5), min_size=1, max_size=3).map(lambda v: {"SS": v}),
    st.lists(numbers, min_size=1, max_size=3).map(lambda v: {"NS": v}),
    st.lists(base64_texts, min_size=1, max_size=3).map(lambda v: {"BS": v}),
)
valid_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda v: {"L": v}),
        st.dictionaries(names, children, max_size=3).map(lambda v: {"M": v}),
    ),
    max_leaves=5,
)

MALFORMED_NUMBERS = ["", "abc", "1..2", "--1", "1e", "NaN", "-Infinity", "sNaN", "0x10", "1,5", "e5", "."]
BROKEN: list[Any] = [
    {"X": "a"},
    {"s": "a"},
    {"S": "a", "N": "1"},
    {},
    "a",
    5,
    None,
    [],
    True,
    {"S": 5},
    {"S": None},
    {"N": 5},
    {"N": 1.5},
    {"B": "***"},
    {"B": "YQ"},
    {"B": 5},
    {"BOOL": "true"},
    {"BOOL": 1},
    {"L": {}},
    {"L": "a"},
    {"M": []},
    {"M": {"x": 5}},
    {"SS": [1]},
    {"SS": "a"},
    {"NS": ["x"]},
    {"NS": [1]},
    {"BS": ["***"]},
    {"SS": []},
    {"NS": []},
    {"BS": []},
    *({"N": text} for text in MALFORMED_NUMBERS),
]
broken_values = st.one_of(
    st.sampled_from(BROKEN),
    st.builds(lambda valid, broken: {"L": [valid, broken]}, valid_values, st.sampled_from(BROKEN)),
    st.builds(lambda name, broken: {"M": {name: broken}}, names, st.sampled_from(BROKEN)),
)


@dataclass(frozen=True)
class Case:
    name: str  # the attribute the target line carries
    value: Any  # its value, valid DynamoDB JSON or not
    neighbour: Any  # a valid value of the same attribute on another line (so it may have a column)
    value_is_valid: bool  # drawn from valid_values (else from broken_values)
    line_edit: str | None  # None, "truncate" or "bad_utf8": the target line's bytes broken after writing
    cut: float  # where "truncate" cuts, or "bad_utf8" inserts, as a fraction of the line

    @property
    def must_mirror(self) -> bool:
        return self.line_edit is None and self.value_is_valid


@st.composite
def cases(draw) -> Case:
    name = draw(names)
    neighbour = draw(valid_values)
    kind = draw(st.sampled_from(["valid", "valid", "broken", "broken", "truncate", "bad_utf8"]))
    value = draw(broken_values if kind == "broken" else valid_values)
    line_edit = kind if kind in ("truncate", "bad_utf8") else None
    cut = draw(st.floats(0.05, 0.95))
    return Case(name, value, neighbour, kind != "broken", line_edit, cut)


def edit_line(line: bytes, case: Case) -> bytes:
    if case.line_edit == "truncate":
        return line[: max(1, min(len(line) - 1, int(len(line) * case.cut)))]
    if case.line_edit == "bad_utf8":
        at = max(1, int(len(line) * case.cut))
        return line[:at] + b"\xff" + line[at:]
    return line
