"""Edits of a written export that keep everything else consistent, so only the one fault under test remains.

Each edit refreshes the `.md5` companions (and, where lines change, the itemCounts) that the edit would
otherwise break: a test then sees the job catch the fault it meant, not an MD5 mismatch on the way.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from dynamo_local.exports import md5_b64


def manifest_entries(export: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (export / "manifest-files.json").read_text().splitlines() if line.strip()]


def write_manifest(export: Path, entries: list[dict[str, Any]]) -> None:
    content = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries).encode()
    (export / "manifest-files.json").write_bytes(content)
    (export / "manifest-files.md5").write_text(md5_b64(content))


def summary(export: Path) -> dict[str, Any]:
    return json.loads((export / "manifest-summary.json").read_text())


def write_summary(export: Path, **fields: Any) -> None:
    content = json.dumps({**summary(export), **fields}, separators=(",", ":")).encode()
    (export / "manifest-summary.json").write_bytes(content)
    (export / "manifest-summary.md5").write_text(md5_b64(content))


def non_empty_entry(export: Path) -> dict[str, Any]:
    return next(e for e in manifest_entries(export) if e["itemCount"] > 0)


def data_path(bucket: Path, entry: dict[str, Any]) -> Path:
    return bucket / entry["dataFileS3Key"]


def data_lines(bucket: Path, entry: dict[str, Any]) -> list[bytes]:
    return gzip.decompress(data_path(bucket, entry).read_bytes()).splitlines()


def replace_data(bucket: Path, export: Path, key: str, content: bytes, item_count: int | None = None) -> None:
    """Stores `content` (the bytes of the object, gzip or not) as data file `key`, with a matching manifest."""
    (bucket / key).write_bytes(content)
    entries = manifest_entries(export)
    for e in entries:
        if e["dataFileS3Key"] == key:
            e["md5Checksum"] = md5_b64(content)
            if item_count is not None:
                e["itemCount"] = item_count
    write_manifest(export, entries)
    write_summary(export, itemCount=sum(e["itemCount"] for e in entries))


def replace_lines(bucket: Path, export: Path, key: str, lines: list[bytes]) -> None:
    """Rewrites data file `key` with `lines` (raw bytes, one per line) and keeps every count consistent."""
    replace_data(bucket, export, key, gzip.compress(b"".join(line + b"\n" for line in lines)), len(lines))
