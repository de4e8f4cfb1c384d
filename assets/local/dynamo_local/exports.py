"""Writes DynamoDB point-in-time exports in the exact S3 layout of export-format.md, onto a local
folder that stands for the bucket, and has small readers used by the support tests. Bad input on
purpose (ION, corrupted manifests, decoy files) is test code: test/spark/support/bad_exports.py.

Times are given in microseconds; the manifest fields (exportTime, exportFromTime, ...) have
millisecond precision, so sub-millisecond parts are TRUNCATED when formatted. Tests should use
millisecond-aligned times, otherwise a field shows an earlier time than the data was cut at.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from .gzip_lines import GzipLines
from .simulated_table import Change, Item, SimulatedTable, key_of

View = Literal["NEW_AND_OLD_IMAGES", "NEW_IMAGE"]

_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # real data file names use this alphabet


def iso_ms(micros: int) -> str:
    """2026-01-14T10:18:50.622Z; the sub-millisecond part is truncated (floor)."""
    seconds, rest = divmod(micros, 1_000_000)
    dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{rest // 1000:03d}Z"


def parse_iso_ms(text: str) -> int:
    """Inverse of iso_ms, to microseconds."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z", text)
    if not m:
        raise ValueError(f"not an ISO-8601 millisecond UTC time: {text!r}")
    dt = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1_000_000 + int(m.group(2)) * 1000


def md5_b64(data: bytes) -> str:
    return md5_b64_of_digest(hashlib.md5(data).digest())


def md5_b64_of_digest(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class DataFile:
    key: str  # object key from the bucket root
    item_count: int
    md5: str


class ExportWriter:
    def __init__(
        self, bucket_root: Path, table_arn: str, prefix: str | None = None, seed: int = 0, table_id: str | None = None
    ):
        self.bucket_root = Path(bucket_root)
        self.table_arn = table_arn
        self.prefix = prefix
        self.rng = random.Random(seed)
        self.table_id = table_id or str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self._issued: set[str] = set()

    # -- paths ----------------------------------------------------------------------------------

    @property
    def base_key(self) -> str:
        """S3 key of the AWSDynamoDB folder (no trailing slash)."""
        if self.prefix:
            return self.prefix.strip("/") + "/AWSDynamoDB"
        return "AWSDynamoDB"

    @property
    def base_dir(self) -> Path:
        return self.bucket_root / self.base_key

    @property
    def shared_data_dir(self) -> Path:
        """The one folder shared by the data files of all incremental exports."""
        return self.base_dir / "data"

    def path_of(self, key: str) -> Path:
        return self.bucket_root / key

    def s3_uri(self, key: str) -> str:
        return f"s3://{self.bucket_root.name}/{key}"

    def _new_export_id(self, start_micros: int) -> str:
        while True:
            export_id = f"{start_micros // 1000:014d}-{self.rng.getrandbits(32):08x}"
            if export_id not in self._issued and not (self.base_dir / export_id).exists():
                self._issued.add(export_id)
                return export_id

    def _data_name(self) -> str:
        return "".join(self.rng.choice(_BASE32) for _ in range(26)) + ".json.gz"

    # -- writing --------------------------------------------------------------------------------

    def _fresh_key(self, folder_key: str) -> str:
        """The key of a new data file under folder_key, with a fresh name in the real alphabet."""
        while True:
            key = f"{folder_key}/{self._data_name()}"
            if not self.path_of(key).exists():
                return key

    def write_data_file(self, folder_key: str, lines: list[str]) -> DataFile:
        """Writes one gzip data file of `lines` under folder_key, with a fresh name in the real alphabet."""
        key = self._fresh_key(folder_key)
        text = "".join(line + "\n" for line in lines).encode("utf-8")
        data = gzip.compress(text, mtime=0)  # an empty partition gives an empty gzip member
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return DataFile(key=key, item_count=len(lines), md5=md5_b64(data))

    def _fake_etag(self, data_file: DataFile) -> str:
        # Multipart-style ETag: hex MD5 of the part MD5s plus "-<parts>"; never a plain MD5.
        part_md5 = base64.b64decode(data_file.md5)  # the one part is the whole file
        return hashlib.md5(part_md5).hexdigest() + "-1"

    def _partition(self, lines: list[tuple[str, str]], partitions: int) -> list[list[str]]:
        """Spread (key_text, line) pairs over partitions by a salted hash of the key, so that with
        few items some partitions are empty; line order inside a file is random."""
        if partitions < 1:
            raise ValueError("at least one partition")
        salt = self.rng.getrandbits(64).to_bytes(8, "big")
        buckets: list[list[str]] = [[] for _ in range(partitions)]
        for key_text, line in lines:
            buckets[_partition_of(salt, key_text, partitions)].append(line)
        for bucket in buckets:
            self.rng.shuffle(bucket)
        return buckets

    def _finish(self, export_id: str, files: list[DataFile], summary: dict[str, Any]) -> Path:
        folder = self.base_dir / export_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_started").write_bytes(b"")
        files = list(files)
        self.rng.shuffle(files)  # manifest order is not partition order
        manifest = "".join(
            _compact(
                {"itemCount": f.item_count, "md5Checksum": f.md5, "etag": self._fake_etag(f), "dataFileS3Key": f.key}
            )
            + "\n"
            for f in files
        ).encode("utf-8")
        (folder / "manifest-files.json").write_bytes(manifest)
        (folder / "manifest-files.md5").write_text(md5_b64(manifest))
        summary_bytes = _compact(summary).encode("utf-8")
        (folder / "manifest-summary.json").write_bytes(summary_bytes)
        (folder / "manifest-summary.md5").write_text(md5_b64(summary_bytes))
        return folder

    def _summary_head(self, version: str, export_id: str, start_micros: int) -> dict[str, Any]:
        return {
            "version": version,
            "exportArn": f"{self.table_arn}/export/{export_id}",
            "startTime": iso_ms(start_micros),
            "endTime": iso_ms(start_micros + 6 * 60 * 1_000_000 + 8_362_000),
            "tableArn": self.table_arn,
            "tableId": self.table_id,
        }

    def _summary_tail(self, export_id: str, item_count: int, billed: int) -> dict[str, Any]:
        return {
            "s3Bucket": self.bucket_root.name,
            "s3Prefix": self.prefix,
            "s3SseAlgorithm": "AES256",
            "s3SseKmsKeyId": None,
            "manifestFilesS3Key": f"{self.base_key}/{export_id}/manifest-files.json",
            "billedSizeBytes": billed,
            "itemCount": item_count,
            "outputFormat": "DYNAMODB_JSON",
        }

    def full_export(
        self,
        table: SimulatedTable,
        export_time_micros: int,
        partitions: int = 4,
        *,
        start_time_micros: int | None = None,
    ) -> Path:
        """Full export of the table as of export_time_micros (writes strictly before it).
        Returns the export folder <root>/<prefix>/AWSDynamoDB/<ExportId>/."""
        start = export_time_micros if start_time_micros is None else start_time_micros
        export_id = self._new_export_id(start)
        records = []
        for key, item in table.state_at(export_time_micros).items():
            record = {"Item": item}
            records.append((repr(key), _compact(record)))
        files = [
            self.write_data_file(f"{self.base_key}/{export_id}/data", lines)
            for lines in self._partition(records, partitions)
        ]
        summary = self._summary_head("2020-06-30", export_id, start)
        summary["exportTime"] = iso_ms(export_time_micros)
        billed = sum(len(line.encode("utf-8")) + 1 for _, line in records)
        summary.update(self._summary_tail(export_id, len(records), billed))
        return self._finish(export_id, files, summary)

    def full_export_of(
        self,
        items: Iterable[Item],
        key_names: Sequence[str],
        export_time_micros: int,
        partitions: int = 4,
        *,
        start_time_micros: int | None = None,
    ) -> Path:
        """Full export of `items`, the table's whole state as of export_time_micros, streamed: each
        item goes to its partition's file as it comes, so memory does not grow with the table. The
        layout is full_export's; lines stay in the order given. The caller vouches that keys are
        unique. Returns the export folder <root>/<prefix>/AWSDynamoDB/<ExportId>/."""
        if partitions < 1:
            raise ValueError("at least one partition")
        start = export_time_micros if start_time_micros is None else start_time_micros
        export_id = self._new_export_id(start)
        salt = self.rng.getrandbits(64).to_bytes(8, "big")
        keys = [self._fresh_key(f"{self.base_key}/{export_id}/data") for _ in range(partitions)]
        outs = [GzipLines(self.path_of(key)) for key in keys]
        for item in items:
            key_text = repr(key_of(item, key_names))
            outs[_partition_of(salt, key_text, partitions)].write(_compact({"Item": item}))
        files = [DataFile(key, out.lines, md5_b64_of_digest(out.close())) for key, out in zip(keys, outs)]
        summary = self._summary_head("2020-06-30", export_id, start)
        summary["exportTime"] = iso_ms(export_time_micros)
        summary.update(self._summary_tail(export_id, sum(f.item_count for f in files), sum(o.text_bytes for o in outs)))
        return self._finish(export_id, files, summary)

    def incremental_export(
        self,
        table: SimulatedTable,
        from_micros: int,
        to_micros: int,
        view: View = "NEW_AND_OLD_IMAGES",
        partitions: int = 3,
        *,
        start_time_micros: int | None = None,
    ) -> Path:
        """Incremental export of [from, to). Data files go to the shared AWSDynamoDB/data/ folder;
        the returned folder holds only the markers and manifests."""
        if view not in ("NEW_AND_OLD_IMAGES", "NEW_IMAGE"):
            raise ValueError(view)
        start = to_micros + 24_000_000 if start_time_micros is None else start_time_micros
        export_id = self._new_export_id(start)
        records = []
        for change in table.changes_in(from_micros, to_micros):
            record = change_record(change, view)
            records.append((repr(table.key_of(change.keys)), _compact(record)))
        files = [
            self.write_data_file(f"{self.base_key}/data", lines) for lines in self._partition(records, partitions)
        ]
        summary = self._summary_head("2023-08-01", export_id, start)
        summary["exportFromTime"] = iso_ms(from_micros)
        summary["exportToTime"] = iso_ms(to_micros)
        billed = max(10_000_000, sum(len(line.encode("utf-8")) + 1 for _, line in records))
        summary.update(self._summary_tail(export_id, len(records), billed))
        summary["outputView"] = view
        summary["exportType"] = "INCREMENTAL_EXPORT"
        return self._finish(export_id, files, summary)


def _partition_of(salt: bytes, key_text: str, partitions: int) -> int:
    """The partition of a key: a salted hash, so the same keys spread differently in each export."""
    return int.from_bytes(hashlib.md5(salt + key_text.encode("utf-8")).digest()[:8], "big") % partitions


def change_record(change: Change, view: View) -> dict[str, Any]:
    """The export line for one change, fields in the order real exports use."""
    record: dict[str, Any] = {
        "Metadata": {"WriteTimestampMicros": {"N": str(change.write_ts_micros)}},
        "Keys": change.keys,
    }
    if view == "NEW_AND_OLD_IMAGES" and change.old_image is not None:
        record["OldImage"] = change.old_image
    if change.new_image is not None:
        record["NewImage"] = change.new_image
    return record


# -- readers (independent of the job; used by the support tests and handy in job tests) ---------


def read_summary(export_dir: Path) -> dict[str, Any]:
    return json.loads((Path(export_dir) / "manifest-summary.json").read_text())


def read_manifest_files(export_dir: Path) -> list[dict[str, Any]]:
    text = (Path(export_dir) / "manifest-files.json").read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def read_data_lines(bucket_root: Path, key: str) -> list[dict[str, Any]]:
    """Lines of one DynamoDB JSON data file."""
    text = gzip.decompress((Path(bucket_root) / key).read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def read_export(bucket_root: Path, export_dir: Path) -> list[dict[str, Any]]:
    """All lines of an export, found through its manifest only."""
    out = []
    for entry in read_manifest_files(export_dir):
        out.extend(read_data_lines(bucket_root, entry["dataFileS3Key"]))
    return out
