"""Finds an export's data files through its manifests (never by listing folders) and checks what it can."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import MirrorError
from .storage import Storage, to_uri

INCREMENTAL = "INCREMENTAL_EXPORT"
VIEWS = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")


@dataclass(frozen=True)
class DataFile:
    uri: str
    key: str
    item_count: int
    md5: str | None


@dataclass(frozen=True)
class Export:
    """One export as its manifest-summary.json describes it."""

    uri: str
    export_id: str
    table_arn: str
    incremental: bool
    start: datetime  # the full export's exportTime, or the incremental window's exportFromTime
    end: datetime  # the full export's exportTime, or the incremental window's exportToTime (exclusive)
    output_view: str | None
    item_count: int
    data_files: tuple[DataFile, ...]

    def describe(self) -> str:
        if self.incremental:
            return f"incremental export {self.export_id} [{format_time(self.start)}, {format_time(self.end)})"
        return f"full export {self.export_id} at {format_time(self.end)}"


def parse_time(text: object, what: str) -> datetime:
    if not isinstance(text, str):
        raise MirrorError(f"{what}: expected an ISO-8601 time, got {text!r}")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        raise MirrorError(f"{what}: {text!r} is not an ISO-8601 time") from None


def format_time(moment: datetime) -> str:
    """Millisecond ISO-8601 in UTC, the precision of export times."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def md5_base64(content: bytes) -> str:
    return base64.b64encode(hashlib.md5(content).digest()).decode("ascii")


def read_export(storage: Storage, location: str) -> Export:
    folder = to_uri(location)
    summary_uri = f"{folder}/manifest-summary.json"
    if not storage.exists(summary_uri):
        raise MirrorError(
            f"{summary_uri}: not found; give the folder of one export (the one holding manifest-summary.json)"
        )
    summary_bytes = _read_verified(storage, summary_uri)
    try:
        summary = json.loads(summary_bytes)
    except ValueError as error:
        raise MirrorError(f"{summary_uri}: not valid JSON ({error})") from None
    return _export_from_summary(storage, folder, summary_uri, summary)


def _export_from_summary(storage: Storage, folder: str, summary_uri: str, summary: dict) -> Export:
    def field(name: str, required: bool = True):
        value = summary.get(name)
        if required and value in (None, ""):
            raise MirrorError(f"{summary_uri}: field {name!r} is missing")
        return value

    fmt = summary.get("outputFormat", "DYNAMODB_JSON")
    if fmt != "DYNAMODB_JSON":
        raise MirrorError(f"{summary_uri}: outputFormat {fmt!r} is not supported; export with DYNAMODB_JSON")
    incremental = summary.get("exportType") == INCREMENTAL
    if incremental:
        start = parse_time(field("exportFromTime"), f"{summary_uri}: exportFromTime")
        end = parse_time(field("exportToTime"), f"{summary_uri}: exportToTime")
        if end <= start:
            raise MirrorError(
                f"{summary_uri}: window ends ({format_time(end)}) before it starts ({format_time(start)})"
            )
    else:
        if summary.get("exportFromTime") or summary.get("exportToTime"):
            raise MirrorError(f"{summary_uri}: has an incremental window but no exportType {INCREMENTAL}")
        start = end = parse_time(field("exportTime"), f"{summary_uri}: exportTime")

    view = summary.get("outputView")
    if incremental and view is not None and view not in VIEWS:
        # Lines without NewImage are deletes: an unknown view could turn every change into one.
        raise MirrorError(f"{summary_uri}: outputView {view!r} is not supported; export with {' or '.join(VIEWS)}")

    manifest_key = field("manifestFilesS3Key")
    bucket_root = _bucket_root(folder, manifest_key, summary_uri)
    data_files = _read_data_files(storage, f"{bucket_root}/{manifest_key}", bucket_root)
    listed = sum(f.item_count for f in data_files)
    if summary.get("itemCount") is not None:
        item_count = _count(summary["itemCount"], f"{summary_uri}: itemCount")
        if listed != item_count:
            raise MirrorError(f"{summary_uri}: itemCount is {item_count} but manifest-files.json lists {listed} items")
    export_arn = field("exportArn")
    return Export(
        uri=folder,
        export_id=export_arn.rsplit("/", 1)[-1],
        table_arn=field("tableArn"),
        incremental=incremental,
        start=start,
        end=end,
        output_view=view,
        item_count=listed,
        data_files=data_files,
    )


def _bucket_root(folder: str, manifest_key: str, summary_uri: str) -> str:
    """dataFileS3Key is relative to the bucket: the bucket root is the folder less the manifest key's folder."""
    key_folder = manifest_key.rsplit("/", 1)[0]
    if not folder.endswith("/" + key_folder):
        raise MirrorError(
            f"{summary_uri}: manifestFilesS3Key {manifest_key!r} does not lie in this folder; "
            "keep the export where DynamoDB wrote it"
        )
    return folder[: -len(key_folder) - 1]


def _count(value: object, what: str) -> int:
    """An item count as DynamoDB writes it: a whole number, never negative (a bool is no count)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MirrorError(f"{what} {value!r} is not a count of items")
    return value


def _read_data_files(storage: Storage, manifest_uri: str, bucket_root: str) -> tuple[DataFile, ...]:
    files = []
    first_line: dict[str, int] = {}
    text = _read_verified(storage, manifest_uri).decode("utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            key = entry["dataFileS3Key"]
            count = _count(entry["itemCount"], "itemCount")
            if not isinstance(key, str) or not key:
                raise TypeError
        except (ValueError, KeyError, TypeError, MirrorError):
            raise MirrorError(f"{manifest_uri}: line {number} is not a data file entry: {line[:200]!r}") from None
        if key in first_line:
            # Read twice, its lines would count twice and a full export's items would look like duplicate keys.
            raise MirrorError(
                f"{manifest_uri}: line {number} lists {key} again (first at line {first_line[key]}); "
                "each data file is listed once"
            )
        first_line[key] = number
        files.append(DataFile(uri=f"{bucket_root}/{key}", key=key, item_count=count, md5=entry.get("md5Checksum")))
    return tuple(files)


def first_missing_data_file(storage: Storage, exports: Sequence[Export]) -> DataFile | None:
    """The first data file the manifests list that the bucket does not hold (asked only after a read failed)."""
    for export in exports:
        for data_file in export.data_files:
            if not storage.exists(data_file.uri):
                return data_file
    return None


def _read_verified(storage: Storage, uri: str) -> bytes:
    """Reads a manifest and checks it against its .md5 companion when one is there."""
    content = storage.read_bytes(uri)
    md5_uri = uri[: -len(".json")] + ".md5"
    if storage.exists(md5_uri):
        expected = storage.read_bytes(md5_uri).decode("ascii").strip()
        if expected and expected != md5_base64(content):
            raise MirrorError(f"{uri}: MD5 {md5_base64(content)} does not match {md5_uri} ({expected})")
    return content
