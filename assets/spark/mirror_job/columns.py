"""Safe, stable column names for DynamoDB attribute names (Glue and Athena fold names to lower case).

Rule: fold to ASCII lower case, turn every run of other characters into `_`, trim `_` at both ends
(names starting with `_` are kept for the metadata columns), prefix `c_` when the result starts with a
digit or is empty, and append `_` to SQL reserved words. A result longer than Glue's 255 characters is
cut to 246 and gets `_<hash>`, where <hash> is the first 8 hex digits of the SHA-1 of the UTF-8
attribute name. When the name is taken (`Name` and `name` in one table), the newcomer gets
`<name>_<hash>` (cut so the whole fits 255), and in the unlikely case that is taken too,
`<name>_<hash>_2`, `_3`, ... Names once given are stored with the table and never change; within one
batch, attributes are named in code-point order of their names, so `Name` keeps `name` and `name`
becomes `name_<hash>`. Struct fields are named by the same rule, each struct on its own.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator

# Glue's limit on a column name (1-255 characters; names here are ASCII, so characters are bytes).
MAX_NAME = 255

RESERVED = frozenset(
    """all alter and any array as asc between bigint binary boolean both by case cast char column commit
    constraint create cross cube current current_date current_time current_timestamp current_user date
    deallocate decimal delete desc describe distinct double drop else end escape except execute exists
    extract false fetch float for foreign from full function grant group grouping having if in inner insert
    int integer intersect interval into is join lateral left like limit local localtime localtimestamp macro
    map merge natural none normalize not null numeric of on or order out outer over partition percent
    preceding precision prepare primary range reads recursive references revoke right rollup row rows
    select set smallint some start struct table tablesample then time timestamp to true truncate uescape
    union unique unknown unnest update user using values view when where window with""".split()
)


def normalised(attribute: str) -> str:
    """The attribute's name made safe, before any length limit."""
    folded = unicodedata.normalize("NFKD", attribute).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if not name or name[0].isdigit():
        name = "c_" + name
    return name + "_" if name in RESERVED else name


def _digest(attribute: str) -> str:
    return hashlib.sha1(attribute.encode("utf-8")).hexdigest()[:8]


def _with_suffix(stem: str, suffix: str) -> str:
    """`stem` cut so that it plus `suffix` fits MAX_NAME (no `_` left before the suffix), then `suffix`."""
    return stem[: MAX_NAME - len(suffix)].rstrip("_") + suffix


def base_name(attribute: str) -> str:
    """The name an attribute gets when it is free: its normalised name, or when that is longer than
    MAX_NAME, the first MAX_NAME - 9 characters, `_` and the hash of the attribute name."""
    name = normalised(attribute)
    return name if len(name) <= MAX_NAME else _with_suffix(name, f"_{_digest(attribute)}")


def candidates(attribute: str) -> Iterator[str]:
    """Names to try in turn: the base name, then with the hash, then with the hash and a counter."""
    yield base_name(attribute)
    stem = normalised(attribute).rstrip("_")
    hashed = f"_{_digest(attribute)}"
    yield _with_suffix(stem, hashed)
    for counter in itertools.count(2):
        yield _with_suffix(stem, f"{hashed}_{counter}")


def assign_names(attributes: Iterable[str], taken: set[str]) -> dict[str, str]:
    """Names for new attributes, avoiding `taken` (which this adds to)."""
    names = {}
    for attribute in sorted(set(attributes)):
        name = next(n for n in candidates(attribute) if n not in taken)
        taken.add(name)
        names[attribute] = name
    return names
