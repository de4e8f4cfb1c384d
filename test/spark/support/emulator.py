"""The AWS emulator of the end-to-end test: moto's server on loopback, with a virtual clock and
DynamoDB exports in the real layout.

What is moto's own: S3, DynamoDB (tables, items, streams, PITR flags), Glue, Step Functions'
execution records. What this module adds, because moto lacks it:
- a clock the test moves forward, so 15-minute export windows pass in milliseconds;
- LatestRestorableDateTime that follows the clock (moto freezes it when PITR is enabled);
- ExportTableToPointInTime and DescribeExport in the exact AWS layout (support/emulated_exports.py).
"""

from __future__ import annotations

import copy
import json
import sys
import threading
import urllib.request
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
RESTORE_LAG = timedelta(minutes=5)  # how far LatestRestorableDateTime trails now, as in DynamoDB


class VirtualClock:
    """Wall time shifted to a chosen start, strictly increasing by at least a millisecond per reading
    (stream records carry milliseconds, and two writes of one key must not share a time)."""

    def __init__(self, start: datetime):
        self._offset = start - datetime.now(timezone.utc)
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            moment = datetime.now(timezone.utc) + self._offset
            if self._last is not None and moment < self._last + timedelta(milliseconds=1):
                moment = self._last + timedelta(milliseconds=1)
            self._last = moment
            return moment

    def naive_utc(self) -> datetime:
        """moto's `utcnow()` contract: naive UTC."""
        return self.now().replace(tzinfo=None)

    def now_micros(self) -> int:
        return round(self.now().timestamp() * 1_000_000)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


class Emulator:
    def __init__(self, workdir: Path, start: datetime):
        self.clock = VirtualClock(start)
        self._workdir = Path(workdir)
        self._server: Any = None
        self._restore: list[tuple[Any, str, Any]] = []
        self._clients: dict[str, Any] = {}
        self.endpoint = ""

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> Emulator:
        from moto.server import ThreadedMotoServer

        from .emulated_exports import EmulatedExports

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # moto keeps its accounts in the process, across servers: every emulator starts empty.
        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")).close()
        self.exports = EmulatedExports(
            {name: self.client(name) for name in ("dynamodb", "dynamodbstreams", "s3")},
            self._workdir / "exports",
            self.clock.now_micros,
        )
        self._patch_moto()  # before the first request: moto's records then carry the virtual time
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore.clear()

    def client(self, service: str) -> Any:
        """A boto3 client of the emulator, made once per service."""
        import boto3

        if service not in self._clients:
            self._clients[service] = boto3.session.Session(
                aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                region_name=REGION,
            ).client(service, endpoint_url=self.endpoint)
        return self._clients[service]

    def environment(self) -> dict[str, str]:
        """Environment for processes that talk to the emulator (AWS SDKs honour AWS_ENDPOINT_URL)."""
        return {**CREDENTIALS, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": self.endpoint}

    # -- what moto lacks ----------------------------------------------------------------------------

    def _replace(self, owner: Any, name: str, value: Any) -> None:
        self._restore.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def _patch_moto(self) -> None:
        import moto.core.utils
        import moto.dynamodb.models
        import moto.dynamodb.models.table
        import moto.dynamodbstreams.models
        import moto.glue.models
        import moto.s3.models
        import moto.stepfunctions.models
        from moto.core.responses import ActionResult
        from moto.dynamodb.exceptions import DynamodbException
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.responses import DynamoHandler

        from .emulated_exports import ExportRequestError

        original_utcnow = moto.core.utils.utcnow
        for module in [m for name, m in sys.modules.items() if name.startswith("moto")]:
            if getattr(module, "utcnow", None) is original_utcnow:
                self._replace(module, "utcnow", self.clock.naive_utc)

        describe_backups = DynamoDBBackend.describe_continuous_backups
        clock = self.clock

        def describe_continuous_backups(backend: Any, table_name: str) -> dict[str, Any]:
            backups = copy.deepcopy(describe_backups(backend, table_name))
            pitr = backups["PointInTimeRecoveryDescription"]
            if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
                latest = (clock.now() - RESTORE_LAG).timestamp()
                pitr["LatestRestorableDateTime"] = max(latest, pitr["EarliestRestorableDateTime"])
            return backups

        def answer(call: Any) -> Any:
            try:
                return ActionResult({"ExportDescription": call()})
            except ExportRequestError as error:
                raise DynamodbException(f"com.amazonaws.dynamodb.v20120810#{error.code}", str(error)) from error

        self._replace(DynamoDBBackend, "describe_continuous_backups", describe_continuous_backups)
        exports = self.exports
        self._replace(DynamoHandler, "export_table_to_point_in_time", lambda h: answer(lambda: exports.start(h.body)))
        self._replace(DynamoHandler, "describe_export", lambda h: answer(lambda: exports.describe(h.body["ExportArn"])))

    # -- a deployment on paper ----------------------------------------------------------------------

    def deploy(self, deployment: dict[str, Any]) -> None:
        """What CloudFormation and `cdk deploy` would do for the parts the test touches: the buckets,
        the Glue database, the run lease table, the file assets, and the state machine's record."""
        s3 = self.client("s3")
        for bucket in deployment["buckets"]:
            s3.create_bucket(Bucket=bucket)
        glue = self.client("glue")
        for database in deployment["databases"]:
            glue.create_database(DatabaseInput={"Name": database})
        for table in deployment["tables"]:
            self.client("dynamodb").create_table(**table)
        self._publish_assets(Path(deployment["assetManifest"]))
        machine = deployment["stateMachine"]
        self.client("stepfunctions").create_state_machine(
            name=machine["name"], definition=json.dumps(machine["definition"]), roleArn=machine["roleArn"]
        )

    def _publish_assets(self, manifest_path: Path) -> None:
        s3 = self.client("s3")
        manifest = json.loads(manifest_path.read_text())
        buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
        for asset in manifest["files"].values():
            source = manifest_path.parent / asset["source"]["path"]
            body = _zip(source) if asset["source"].get("packaging") == "zip" else source.read_bytes()
            for destination in asset["destinations"].values():
                if destination["bucketName"] not in buckets:
                    s3.create_bucket(Bucket=destination["bucketName"])
                    buckets.add(destination["bucketName"])
                s3.put_object(Bucket=destination["bucketName"], Key=destination["objectKey"], Body=body)


def _zip(folder: Path) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
