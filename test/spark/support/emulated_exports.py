"""ExportTableToPointInTime and DescribeExport for the emulator, in the exact AWS layout.

moto answers ExportTableToPointInTime with one flat data file (no manifests, no export time, no
incremental exports), so the emulator routes both calls here. The table's history is read from its
DynamoDB stream (moto keeps no history itself), replayed into a SimulatedTable, and written by the
same ExportWriter the rest of the suite uses, then uploaded into the emulator's S3.

Every answer is checked against botocore's output shape of the operation (support/aws_contract.py)
before it leaves: a forged answer AWS could not give raises AnswerMismatch.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from dynamo_local.exports import ExportWriter
from dynamo_local.simulated_table import SimulatedTable

from .aws_contract import check_answer

MINUTE_MICROS = 60_000_000
DAY_MICROS = 24 * 60 * MINUTE_MICROS


class ExportRequestError(Exception):
    """A request DynamoDB would refuse: `code` is the DynamoDB error name."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def micros_of(value: Any) -> int:
    """A timestamp from the JSON protocol (epoch seconds) or an ISO string, as epoch microseconds."""
    if isinstance(value, (int, float)):
        return round(value * 1_000_000)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return round(moment.timestamp() * 1_000_000)


def _epoch(micros: int) -> float:
    return micros / 1_000_000


def wire_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as DynamoDB JSON on the wire: boto3 hands binaries over as bytes, exports hold base64."""

    def value(typed: dict[str, Any]) -> dict[str, Any]:
        ((tag, v),) = typed.items()
        if tag == "B":
            return {tag: base64.b64encode(v).decode("ascii")}
        if tag == "BS":
            return {tag: [base64.b64encode(b).decode("ascii") for b in v]}
        if tag == "M":
            return {tag: wire_item(v)}
        if tag == "L":
            return {tag: [value(e) for e in v]}
        return {tag: v}

    return {name: value(typed) for name, typed in item.items()}


class EmulatedExports:
    def __init__(self, clients: Any, workdir: Path, now_micros: Any):
        """clients: boto3 clients of the emulator (dynamodb, dynamodbstreams, s3); now_micros: its clock."""
        self._clients = clients
        self._workdir = Path(workdir)
        self._now = now_micros
        self._lock = threading.Lock()
        self._writers: dict[tuple[str, str, str], ExportWriter] = {}
        self._by_arn: dict[str, dict[str, Any]] = {}
        self._by_token: dict[str, tuple[str, dict[str, Any]]] = {}
        self._uploaded: set[Path] = set()

    def start(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            token = request.get("ClientToken")
            fingerprint = {k: v for k, v in request.items() if k != "ClientToken"}
            if token in self._by_token:
                arn, known = self._by_token[token]
                if known != fingerprint:
                    raise ExportRequestError(
                        "ExportConflictException", f"ClientToken {token} was used with other parameters"
                    )
                return self._answer("ExportTableToPointInTime", self._by_arn[arn])
            description = self._export(request)
            self._by_arn[description["ExportArn"]] = description
            if token:
                self._by_token[token] = (description["ExportArn"], fingerprint)
            # The export is written before the call returns; DescribeExport reports it COMPLETED.
            return self._answer("ExportTableToPointInTime", {**description, "ExportStatus": "IN_PROGRESS"})

    def describe(self, export_arn: str) -> dict[str, Any]:
        with self._lock:
            if export_arn not in self._by_arn:
                raise ExportRequestError("ExportNotFoundException", f"Export not found: {export_arn}")
            return self._answer("DescribeExport", self._by_arn[export_arn])

    @staticmethod
    def _answer(operation: str, description: dict[str, Any]) -> dict[str, Any]:
        """The ExportDescription, once `{"ExportDescription": ...}` matches the operation's output shape."""
        return check_answer("dynamodb", operation, {"ExportDescription": description})["ExportDescription"]

    # -- one export -------------------------------------------------------------------------------

    def _export(self, request: dict[str, Any]) -> dict[str, Any]:
        table_arn = request["TableArn"]
        if request.get("ExportFormat", "DYNAMODB_JSON") != "DYNAMODB_JSON":
            raise ExportRequestError("ValidationException", "the emulator writes DYNAMODB_JSON exports only")
        table = self._history(table_arn)
        writer = self._writer(request["S3Bucket"], request.get("S3Prefix", ""), table_arn)
        now = self._now()
        export_type = request.get("ExportType", "FULL_EXPORT")
        if export_type == "FULL_EXPORT":
            export_time = micros_of(request["ExportTime"]) if "ExportTime" in request else now
            if export_time > now:
                raise ExportRequestError("InvalidExportTimeException", "ExportTime is in the future")
            folder = writer.full_export(table, export_time, start_time_micros=now)
            times = {"ExportTime": _epoch(export_time)}
        elif export_type == "INCREMENTAL_EXPORT":
            spec = request["IncrementalExportSpecification"]
            start, end = micros_of(spec["ExportFromTime"]), micros_of(spec["ExportToTime"])
            if not 15 * MINUTE_MICROS <= end - start <= DAY_MICROS:
                raise ExportRequestError("ValidationException", "an incremental window lasts 15 minutes to 24 hours")
            if end > now:
                raise ExportRequestError("InvalidExportTimeException", "ExportToTime is in the future")
            view = spec.get("ExportViewType", "NEW_AND_OLD_IMAGES")
            folder = writer.incremental_export(table, start, end, view, start_time_micros=now)
            times = {"IncrementalExportSpecification": spec}
        else:
            raise ExportRequestError("ValidationException", f"unknown ExportType {export_type}")
        self._upload(writer)
        summary = json.loads((folder / "manifest-summary.json").read_text())
        description = {
            "ExportArn": summary["exportArn"],
            "ExportStatus": "COMPLETED",
            "TableArn": table_arn,
            "S3Bucket": request["S3Bucket"],
            "S3Prefix": request.get("S3Prefix"),
            "ExportFormat": "DYNAMODB_JSON",
            "ExportType": export_type,
            "ExportManifest": (folder / "manifest-summary.json").relative_to(writer.bucket_root).as_posix(),
            "ItemCount": summary["itemCount"],
            "ClientToken": request.get("ClientToken"),
            **times,
        }
        # DynamoDB leaves out what it does not know (no S3Prefix, no ClientToken): never a null.
        return {name: value for name, value in description.items() if value is not None}

    def _writer(self, bucket: str, prefix: str, table_arn: str) -> ExportWriter:
        key = (bucket, prefix, table_arn)
        if key not in self._writers:
            seed = int(hashlib.sha256("|".join(key).encode()).hexdigest()[:8], 16)
            self._writers[key] = ExportWriter(self._workdir / bucket, table_arn, prefix or None, seed=seed)
        return self._writers[key]

    def _history(self, table_arn: str) -> SimulatedTable:
        """The table's every write, replayed from its stream (NEW_AND_OLD_IMAGES) into a SimulatedTable."""
        dynamodb, streams = self._clients["dynamodb"], self._clients["dynamodbstreams"]
        name = table_arn.split(":table/")[-1]
        try:
            described = dynamodb.describe_table(TableName=name)["Table"]
        except dynamodb.exceptions.ResourceNotFoundException as e:
            raise ExportRequestError("TableNotFoundException", f"Table not found: {table_arn}") from e
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        if backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] != "ENABLED":
            raise ExportRequestError("PointInTimeRecoveryUnavailableException", f"PITR is off on {name}")
        stream_arn = described.get("LatestStreamArn")
        if not stream_arn or described["StreamSpecification"]["StreamViewType"] != "NEW_AND_OLD_IMAGES":
            raise ExportRequestError(
                "ValidationException", f"the emulated exporter reads {name}'s history from a NEW_AND_OLD_IMAGES stream"
            )
        key_names = [k["AttributeName"] for k in sorted(described["KeySchema"], key=lambda k: k["KeyType"])]
        table = SimulatedTable(key_names)
        for record in self._records(streams, stream_arn):
            change = record["dynamodb"]
            at = round(change["ApproximateCreationDateTime"].timestamp() * 1_000_000)
            if record["eventName"] == "REMOVE":
                table.delete(wire_item(change["Keys"]), at)
            else:
                table.put(wire_item(change["NewImage"]), at)
        return table

    @staticmethod
    def _records(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
        records = []
        for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = streams.get_records(ShardIterator=iterator, Limit=1000)
                if not page["Records"]:
                    break
                records.extend(page["Records"])
                iterator = page.get("NextShardIterator")
        return sorted(records, key=lambda r: int(r["dynamodb"]["SequenceNumber"]))

    def _upload(self, writer: ExportWriter) -> None:
        s3 = self._clients["s3"]
        for path in sorted(writer.bucket_root.rglob("*")):
            if path.is_file() and path not in self._uploaded:
                key = path.relative_to(writer.bucket_root).as_posix()
                s3.put_object(Bucket=writer.bucket_root.name, Key=key, Body=path.read_bytes())
                self._uploaded.add(path)
