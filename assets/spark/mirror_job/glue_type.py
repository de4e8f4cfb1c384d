"""The type string Glue stores for a column, as Iceberg's Glue catalog writes it, and Glue's limit on it.

Glue limits a column's `Type` to 131072 characters; struct field names are part of it, so a column of
nested structs with many (or long) field names can exceed it and would fail every commit to Glue.
"""

from __future__ import annotations

MAX_TYPE = 131072

_SIMPLE = {
    "string": "string",
    "number_text": "string",
    "json": "string",
    "long": "bigint",
    "double": "double",
    "binary": "binary",
    "boolean": "boolean",
    "map": "map<string,string>",
}


def glue_type(ltype: dict) -> str:
    kind = ltype["kind"]
    if kind in ("set", "list"):
        return f"array<{glue_type(ltype['element'])}>"
    if kind == "struct":
        return "struct<" + ",".join(f"{f['name']}:{glue_type(f['type'])}" for f in ltype["fields"]) + ">"
    if kind == "decimal":
        return f"decimal(38,{ltype['scale']})"
    return _SIMPLE[kind]


def fits_glue(ltype: dict) -> bool:
    return len(glue_type(ltype)) <= MAX_TYPE
