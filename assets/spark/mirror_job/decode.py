"""Reads export data files (gzip JSON Lines) and turns DynamoDB JSON into plain values without loss."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from decimal import Context, Decimal
from typing import Any

from .errors import MirrorError
from .manifest import DataFile, md5_base64

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
SCALAR_TAGS = ("S", "N", "B", "BOOL", "NULL")
SET_TAGS = ("SS", "NS", "BS")
NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,9})?")
MICROS_TEXT = re.compile(r"-?[0-9]{1,18}")
LONE_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    rb"|(?<!\\)(?:\\\\)*(?<![\\]u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
# Exact arithmetic for DynamoDB numbers: 38 digits, exponents -130..125 (the default context rounds at 28).
EXACT = Context(prec=200, Emin=-999, Emax=999)
# Exponents EXACT measures (one to spare for rounding); DynamoDB's own range (-130 to +125) is far inside.
LARGEST_EXPONENT = EXACT.Emax - 1


class Change:
    """One line of an export: a put (full item or NewImage) or a delete (Keys only)."""

    __slots__ = ("keys", "image", "write_micros")

    def __init__(self, keys: dict, image: dict | None, write_micros: int | None) -> None:
        self.keys = keys
        self.image = image
        self.write_micros = write_micros


def read_changes(content: bytes, data_file: DataFile, incremental: bool) -> Iterator[tuple[int, Change]]:
    """Yields (line number, change) for one data file after checking it against its manifest entry."""
    if data_file.md5 and md5_base64(content) != data_file.md5:
        raise MirrorError(f"{data_file.uri}: MD5 {md5_base64(content)} does not match the manifest's {data_file.md5}")
    try:
        text = gzip.decompress(content) if content else b""
    except (OSError, EOFError, zlib.error) as error:
        raise MirrorError(f"{data_file.uri}: not a readable gzip file ({error})") from None
    lines = text.split(b"\n")
    if lines and not lines[-1].strip():
        lines.pop()
    if len(lines) != data_file.item_count:
        raise MirrorError(
            f"{data_file.uri}: holds {len(lines)} lines but the manifest lists itemCount {data_file.item_count}"
        )
    for number, line in enumerate(lines, start=1):
        try:
            if b"\\u" in line and LONE_SURROGATE.search(line):  # the regex only for lines with escapes
                raise ValueError("a surrogate escape that is not half of a pair: no UTF-8 string holds it")
            record = json.loads(line)
            change = _full_line(record) if not incremental else _incremental_line(record)
        except RecursionError:
            raise MirrorError(f"{data_file.uri}: line {number}: nested deeper than any DynamoDB item") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise MirrorError(f"{data_file.uri}: line {number}: {error}: {line[:200]!r}") from None
        yield number, change


def _full_line(record: dict) -> Change:
    item = record["Item"]
    if not isinstance(item, dict):
        raise ValueError("'Item' is not an object")
    return Change(keys=item, image=item, write_micros=None)


def _incremental_line(record: dict) -> Change:
    micros_text = record["Metadata"]["WriteTimestampMicros"]["N"]
    if not isinstance(micros_text, str) or not MICROS_TEXT.fullmatch(micros_text):
        raise ValueError(f"WriteTimestampMicros {micros_text!r} is not a whole number of microseconds")
    micros = int(micros_text)
    keys = record["Keys"]
    image = record.get("NewImage")
    if not isinstance(keys, dict) or (image is not None and not isinstance(image, dict)):
        raise ValueError("'Keys' and 'NewImage' must be objects")
    return Change(keys=keys, image=image, write_micros=micros)


def tag_of(value: object) -> tuple[str, Any]:
    """The (type tag, raw JSON value) of one DynamoDB typed value, checked."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"not a DynamoDB typed value: {value!r:.80}")
    ((tag, raw),) = value.items()
    if tag not in SCALAR_TAGS + SET_TAGS + ("L", "M"):
        raise ValueError(f"unknown DynamoDB type tag {tag!r}")
    if tag == "NULL" and raw is not True:
        raise ValueError(f"malformed NULL value {raw!r:.80}: DynamoDB's NULL is always true")
    return tag, raw


def parse_number(text: object) -> Decimal:
    """A number in DynamoDB's form: ASCII decimal digits, an optional point and exponent.

    A magnitude beyond DynamoDB's range is read (and kept in `_unmapped`); one beyond what EXACT measures
    is refused."""
    if not isinstance(text, str):
        raise ValueError(f"number {text!r} is not a string")
    if not NUMBER_TEXT.fullmatch(text):
        raise ValueError(f"{text!r} is not a DynamoDB number")
    number = Decimal(text)
    if number != 0 and abs(number.adjusted()) > LARGEST_EXPONENT:
        raise ValueError(
            f"{text!r} is beyond the exponents this job reads (±{LARGEST_EXPONENT}; DynamoDB's: -130 to +125)"
        )
    return number


def number_shape(number: Decimal) -> tuple[bool, int, int]:
    """(is an int64, digits after the point, digits before the point) of a number, trailing zeros ignored."""
    if number == 0:
        return True, 0, 1
    _, digits, exponent = number.normalize(EXACT).as_tuple()
    assert isinstance(exponent, int)  # parse_number reads finite numbers only
    scale = max(0, -exponent)
    whole_digits = max(0, len(digits) + exponent)
    is_int64 = scale == 0 and INT64_MIN <= number <= INT64_MAX
    return is_int64, scale, whole_digits


def plain_json(value: dict) -> str:
    """The value as plain JSON: numbers keep their exact digits, binary stays base64, sets become arrays."""
    tag, raw = tag_of(value)
    if tag in ("S", "B"):
        return json.dumps(raw, ensure_ascii=False)
    if tag == "N":
        return str(parse_number(raw))
    if tag == "BOOL":
        return "true" if raw else "false"
    if tag == "NULL":
        return "null"
    if tag in ("SS", "BS"):
        return json.dumps(list(raw), ensure_ascii=False)
    if tag == "NS":
        return "[" + ",".join(str(parse_number(n)) for n in raw) + "]"
    if tag == "L":
        return "[" + ",".join(plain_json(v) for v in raw) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + plain_json(v) for k, v in raw.items()) + "}"


def dynamodb_json(value: dict) -> str:
    """The value as DynamoDB JSON text, kept verbatim for `_unmapped`."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
