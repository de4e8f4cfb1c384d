"""Bad input on purpose, made from a written export: ION instead of DynamoDB JSON, a manifest that lies
about a data file, decoy data files that no manifest lists. Test code only: the exporter that ships for
the demo (assets/local/dynamo_local/exports.py) writes good exports and nothing else.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from dynamo_local.exports import ExportWriter, change_record, md5_b64
from dynamo_local.simulated_table import Change, SimulatedTable

from support.export_edits import manifest_entries, replace_lines, write_manifest, write_summary

# -- ION (only needs to look like ION so that the job rejects it) --------------------------------


def _ion_name(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "\\'") + "'"


def _ion_value(typed: dict[str, Any]) -> str:
    ((tag, v),) = typed.items()
    if tag == "S":
        return json.dumps(v, ensure_ascii=False)
    if tag == "N":
        return v
    if tag == "B":
        return "{{" + v + "}}"
    if tag == "BOOL":
        return "true" if v else "false"
    if tag == "NULL":
        return "null"
    if tag == "L":
        return "[" + ",".join(_ion_value(e) for e in v) + "]"
    if tag == "M":
        return _ion_struct(v)
    if tag in ("SS", "NS", "BS"):
        render = {"SS": lambda e: json.dumps(e, ensure_ascii=False), "NS": str, "BS": lambda e: "{{" + e + "}}"}[tag]
        return f"$dynamodb_{tag}::[" + ",".join(render(e) for e in v) + "]"
    raise ValueError(tag)


def _ion_struct(attrs: dict[str, Any]) -> str:
    return "{" + ",".join(f"{_ion_name(k)}:{_ion_value(v)}" for k, v in attrs.items()) + "}"


def ion_line(record: dict[str, Any]) -> str:
    """One export line as ION: record is {"Item": item} or an incremental record."""
    return "$ion_1_0 {" + ",".join(f"{top}:{_ion_struct(value)}" for top, value in record.items()) + "}"


def rewrite_as_ion(bucket: Path, export: Path) -> None:
    """Turns a written export into an ION export: every data file's lines, counts and MD5s, and the
    summary's outputFormat."""
    for entry in manifest_entries(export):
        key = entry["dataFileS3Key"]
        lines = gzip.decompress((bucket / key).read_bytes()).decode("utf-8").splitlines()
        replace_lines(bucket, export, key, [ion_line(json.loads(line)).encode("utf-8") for line in lines if line])
    write_summary(export, outputFormat="ION")


# -- a manifest that lies -------------------------------------------------------------------------


def corrupt_manifest(
    export: Path,
    field: Literal["md5Checksum", "itemCount"] = "md5Checksum",
    file_index: int | None = None,
    refresh_manifest_md5: bool = True,
) -> str:
    """Make one manifest-files.json line lie about its data file: a wrong md5Checksum or an itemCount
    one too high. By default picks a non-empty file; manifest-files.md5 is recomputed (so only the data
    file check can catch it) unless refresh_manifest_md5=False. Returns the dataFileS3Key of the line changed."""
    entries = manifest_entries(export)
    if file_index is None:
        file_index = next((i for i, e in enumerate(entries) if e["itemCount"] > 0), 0)
    entry = entries[file_index]
    if field == "md5Checksum":
        entry["md5Checksum"] = md5_b64(b"not the data" + entry["md5Checksum"].encode())
    elif field == "itemCount":
        entry["itemCount"] += 1
    else:
        raise ValueError(field)
    md5_before = (export / "manifest-files.md5").read_text()
    write_manifest(export, entries)
    if not refresh_manifest_md5:
        (export / "manifest-files.md5").write_text(md5_before)
    return entry["dataFileS3Key"]


# -- decoys ---------------------------------------------------------------------------------------


def write_decoys(
    writer: ExportWriter,
    n: int,
    table: SimulatedTable | None = None,
    key_names: Sequence[str] = ("pk",),
    items_per_file: int = 3,
) -> list[Path]:
    """Drop n valid-looking incremental data files into the writer's shared data folder that no manifest
    lists. They insert "decoy-..." items and, when a table is given, also delete one live item and
    overwrite another, so a job that lists the folder instead of reading manifests visibly corrupts the mirror."""
    rng = writer.rng
    names = table.key_names if table is not None else list(key_names)
    live = list(table.state_at(2**62).values()) if table is not None else []
    # Decoy keys take the type the table's keys have (S when unknown).
    key_tags = {k: next(iter(live[0][k])) for k in names} if live else {}
    out = []
    for i in range(n):
        changes = []
        for j in range(items_per_file):
            keys = {k: _decoy_key_value(key_tags.get(k, "S"), i, j, rng) for k in names}
            image = dict(keys, decoy={"S": f"decoy file {i} line {j}"}, n={"N": str(j)})
            changes.append(Change(keys, image, None, 4_000_000_000_000_000 + j))
        if live:
            victim = rng.choice(live)
            changes.append(Change({k: victim[k] for k in names}, None, victim, 4_000_000_000_000_099))
            other = rng.choice(live)
            keys = {k: other[k] for k in names}
            changes.append(Change(keys, dict(keys, decoy={"S": "overwritten"}), None, 4_000_000_000_000_098))
        lines = [json.dumps(change_record(c, "NEW_AND_OLD_IMAGES"), separators=(",", ":")) for c in changes]
        data_file = writer.write_data_file(f"{writer.base_key}/data", lines)
        out.append(writer.path_of(data_file.key))
    return out


def _decoy_key_value(tag: str, i: int, j: int, rng: random.Random) -> dict[str, str]:
    if tag == "N":
        return {"N": f"-7{i:03d}{j:03d}{rng.getrandbits(24)}"}
    if tag == "B":
        return {"B": base64.b64encode(b"decoy" + rng.randbytes(8)).decode("ascii")}
    return {"S": f"decoy-{i}-{j}-{rng.getrandbits(24):06x}"}
