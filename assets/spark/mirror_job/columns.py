"""Safe, stable column names for DynamoDB attribute names (Glue and Athena fold names to lower case).

Rule: fold to ASCII lower case, turn every run of other characters into `_`, trim `_` at both ends
(names starting with `_` are kept for the metadata columns), prefix `c_` when the result starts with a
digit or is empty, and append `_` to SQL reserved words. When that name is taken (`Name` and `name`
in one table), the newcomer gets `<name>_<first 8 hex digits of the SHA-1 of its UTF-8 name>`. Names
once given are stored with the table and never change; within one batch, attributes are named in
code-point order of their names, so `Name` keeps `name` and `name` becomes `name_<hash>`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

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


def base_name(attribute: str) -> str:
    folded = unicodedata.normalize("NFKD", attribute).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if not name or name[0].isdigit():
        name = "c_" + name
    return name + "_" if name in RESERVED else name


def hashed_name(attribute: str) -> str:
    return f"{base_name(attribute).rstrip('_')}_{hashlib.sha1(attribute.encode('utf-8')).hexdigest()[:8]}"


def assign_names(attributes: Iterable[str], taken: set[str]) -> dict[str, str]:
    """Names for new attributes, avoiding `taken` (which this adds to)."""
    names = {}
    for attribute in sorted(set(attributes)):
        name = base_name(attribute)
        if name in taken:
            name = hashed_name(attribute)
        taken.add(name)
        names[attribute] = name
    return names
