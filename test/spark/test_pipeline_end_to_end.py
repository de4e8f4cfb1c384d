"""The whole pipeline on one machine: the state machine synthesized by the construct, executed by a
local Step Functions interpreter (test/e2e/execute.ts), every AWS call served by an AWS emulator on
loopback (moto's server plus support/emulator.py), the Spark job fetched from the emulator's S3 and
run in local mode against the emulated Glue catalog and S3.

The source table lives in the emulator and is written through the DynamoDB API. The oracle is this
test's own replay of the same writes (a SimulatedTable fed by the test, not by the emulator). After
each run the Iceberg table is read back through the emulated Glue catalog by pyiceberg and compared
with the oracle's state at the table's watermark.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from dynamo_local.exports import parse_iso_ms
from dynamo_local.simulated_table import Item, SimulatedTable, key_of
from support.compare import PROP_COLUMNS, PROP_KEY, PROP_WATERMARK, assert_mirror_matches, item_from_row
from support.emulated_exports import micros_of, wire_item
from support.emulator import ACCOUNT, CREDENTIALS, REGION, Emulator

START = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)
TABLE = "orders"
KEY = ["pk", "sk"]
TS_NODE = [str(ROOT / "node_modules" / ".bin" / "ts-node"), "--project", str(ROOT / "tsconfig.dev.json")]


def _node(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(
        [*TS_NODE, str(ROOT / "test" / "e2e" / script), *args],
        cwd=ROOT,
        env={**os.environ, "TS_NODE_TRANSPILE_ONLY": "true", **(env or {})},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, f"{script} failed:\n{run.stderr[-4000:]}"
    return run.stdout


def _spark_conf_dir(folder: Path, endpoint: str) -> Path:
    """Spark settings of the local job runs: S3A stands in for EMRFS on s3:// URIs, and the jars that
    EMR provides (Iceberg's AWS bundle, Hadoop's S3 connector) come from Maven Central via Ivy."""
    home = Path(os.environ.get("DYNAMO_ICEBERG_MIRROR_HOME", Path.home() / ".cache" / "dynamo-iceberg-mirror"))
    settings = {
        "spark.jars.packages": ",".join(
            [
                "org.apache.iceberg:iceberg-aws-bundle:1.10.0",
                "org.apache.hadoop:hadoop-aws:3.3.4",
                # The two SDK v1 modules S3A uses, instead of the 280 MB aws-java-sdk-bundle.
                "com.amazonaws:aws-java-sdk-s3:1.12.262",
                "com.amazonaws:aws-java-sdk-dynamodb:1.12.262",
            ]
        ),
        "spark.jars.excludes": "com.amazonaws:aws-java-sdk-bundle",
        "spark.jars.ivy": str(home.resolve() / "ivy"),
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": endpoint,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.access.key": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "spark.hadoop.fs.s3a.secret.key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "spark.driver.memory": "2g",
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spark-defaults.conf").write_text("".join(f"{k} {v}\n" for k, v in settings.items()))
    return folder


@dataclass
class World:
    """The emulator, the deployed mirror, and the oracle of what the test wrote."""

    emulator: Emulator
    deployment: dict[str, Any]
    workdir: Path
    oracle: SimulatedTable = field(default_factory=lambda: SimulatedTable(KEY))
    write_spans: list[tuple[int, int]] = field(default_factory=list)
    runs: int = 0

    # -- the source table, through the DynamoDB API ---------------------------------------------

    def _write(self, call: Any) -> int:
        before = self.emulator.clock.now_micros()
        call()
        self.write_spans.append((before, self.emulator.clock.now_micros()))
        return before

    def put(self, item: Item) -> None:
        client = self.emulator.client("dynamodb")
        at = self._write(lambda: client.put_item(TableName=TABLE, Item=_for_boto(item)))
        self.oracle.put(item, at)

    def update(self, key: Item, expression: str, values: dict[str, Any], change: Any) -> None:
        """UpdateItem on the emulator; `change` applies the same update to the oracle's copy."""
        client = self.emulator.client("dynamodb")
        arguments: dict[str, Any] = {"TableName": TABLE, "Key": key, "UpdateExpression": expression}
        if values:
            arguments["ExpressionAttributeValues"] = values
        at = self._write(lambda: client.update_item(**arguments))
        item = self.oracle.current(key_of(key, KEY))
        change(item)
        self.oracle.put(item, at)

    def delete(self, key: Item) -> None:
        at = self._write(lambda: self.emulator.client("dynamodb").delete_item(TableName=TABLE, Key=key))
        self.oracle.delete(key, at)

    def scan(self) -> dict[Any, Item]:
        pages = self.emulator.client("dynamodb").get_paginator("scan").paginate(TableName=TABLE)
        return {key_of(item, KEY): wire_item(item) for page in pages for item in page["Items"]}

    # -- the state machine ----------------------------------------------------------------------

    def execute(self, mode: str = "MIRROR") -> dict[str, Any]:
        self.runs += 1
        request = {
            "deployment": str(self.workdir / "app" / "deployment.json"),
            "now": self.emulator.clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "name": f"run-{self.runs}",
            "input": {"mode": mode},
            "python": sys.executable,
            "workdir": str(self.workdir / "runs"),
        }
        env = {
            **self.emulator.environment(),
            # The Lambda runtime provides the AWS SDK v3, which the bundled plan function leaves out.
            "NODE_PATH": str(ROOT / "node_modules"),
            "SPARK_CONF_DIR": str(self.workdir / "spark-conf"),
        }
        result = json.loads(_node("execute.ts", json.dumps(request), env=env).splitlines()[-1])
        # Every run, however it ended, leaves the run lease free for the next one.
        for table in self.deployment["tables"]:
            assert self.emulator.client("dynamodb").scan(TableName=table["TableName"])["Items"] == [], result
        return result

    def verification_metrics(self) -> dict[str, float]:
        """The largest value of each verification metric the state machine put into the emulator's CloudWatch."""
        cloudwatch = self.emulator.client("cloudwatch")
        mirror = {"Name": "Mirror", "Value": f"{self.deployment['database']}.{self.deployment['table']}"}
        values = {}
        kinds = ["VerificationMissingItems", "VerificationExtraItems", "VerificationDifferentItems"]
        for name in ["VerificationDifferences", *kinds]:
            points = cloudwatch.get_metric_statistics(
                Namespace="DynamoIcebergMirror",
                MetricName=name,
                Dimensions=[mirror],
                StartTime=datetime(2000, 1, 1, tzinfo=timezone.utc),
                EndTime=datetime(2100, 1, 1, tzinfo=timezone.utc),
                Period=86400,
                Statistics=["Maximum"],
            )["Datapoints"]
            values[name] = max(p["Maximum"] for p in points)
        return values

    def report(self, uri: str) -> dict[str, Any]:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        return json.loads(self.emulator.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())

    # -- the mirror, through the Glue catalog -----------------------------------------------------

    def iceberg_table(self) -> Any:
        from pyiceberg.catalog.glue import GlueCatalog

        endpoint = self.emulator.endpoint
        catalog = GlueCatalog(
            "emulated",
            **{
                "glue.endpoint": endpoint,
                "glue.region": REGION,
                "glue.access-key-id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "glue.secret-access-key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "s3.endpoint": endpoint,
                "s3.region": REGION,
                "s3.access-key-id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "s3.secret-access-key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            },
        )
        return catalog.load_table(f"{self.deployment['database']}.{self.deployment['table']}")

    def mirror(self) -> tuple[dict[Any, Item], dict[str, str]]:
        table = self.iceberg_table()
        properties = dict(table.properties)
        columns = json.loads(properties[PROP_COLUMNS])
        assert json.loads(properties[PROP_KEY]) == KEY
        items = {}
        for row in _rows(table.scan().to_arrow()):
            item = item_from_row(row, columns)
            items[key_of(item, KEY)] = item
        return items, properties

    def assert_mirror_at_watermark(self) -> int:
        items, properties = self.mirror()
        watermark = parse_iso_ms(properties[PROP_WATERMARK])
        straddling = [span for span in self.write_spans if span[0] < watermark <= span[1]]
        assert not straddling, f"a write was in flight at the watermark {properties[PROP_WATERMARK]}: {straddling}"
        assert_mirror_matches(items, self.oracle.state_at(watermark))
        return watermark


def _for_boto(item: Item) -> Item:
    """boto3 takes binaries as bytes and base64-encodes them itself; the oracle holds the wire form."""

    def value(typed: dict[str, Any]) -> dict[str, Any]:
        ((tag, v),) = typed.items()
        if tag == "B":
            return {tag: base64.b64decode(v)}
        if tag == "M":
            return {tag: _for_boto(v)}
        if tag == "L":
            return {tag: [value(e) for e in v]}
        return typed

    return {name: value(typed) for name, typed in item.items()}


def _rows(arrow_table: Any) -> Iterator[dict[str, Any]]:
    """Rows as plain values, with Arrow maps (lists of pairs) turned into dicts."""
    import pyarrow as pa

    def plain(value: Any, kind: pa.DataType) -> Any:
        if value is None:
            return None
        if pa.types.is_map(kind):
            return {k: plain(v, kind.item_type) for k, v in value}
        if pa.types.is_struct(kind):
            return {f.name: plain(value[f.name], f.type) for f in kind}
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            return [plain(v, kind.value_type) for v in value]
        return value

    schema = arrow_table.schema
    for row in arrow_table.to_pylist():
        yield {name: plain(row[name], schema.field(name).type) for name in row}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("end-to-end")
    emulator = Emulator(workdir, START).start()
    try:
        dynamodb = emulator.client("dynamodb")
        created = dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in KEY],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        dynamodb.update_continuous_backups(
            TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        table_arn = created["TableDescription"]["TableArn"]
        assert table_arn == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
        _node("synth.ts", str(workdir / "app"), table_arn)
        deployment = json.loads((workdir / "app" / "deployment.json").read_text())
        emulator.deploy(deployment)
        _spark_conf_dir(workdir / "spark-conf", emulator.endpoint)
        yield World(emulator, deployment, workdir)
    finally:
        emulator.stop()


def _product(sku: str, **attributes: Any) -> Item:
    return {"pk": {"S": "product"}, "sk": {"S": sku}, **attributes}


def _key(sku: str) -> Item:
    return {"pk": {"S": "product"}, "sk": {"S": sku}}


def test_a_mirror_run_by_the_synthesized_state_machine_against_the_emulator(world: World):
    clock = world.emulator.clock
    # GIVEN a catalogue of products in the source table, with every kind of value
    world.put(_product("p-1", name={"S": "Lamp"}, price={"N": "19.99"}, stock={"N": "12"}, rating={"N": "4"}))
    world.put(_product("p-2", name={"S": "Desk"}, price={"N": "149.00"}, tags={"SS": ["wood", "office"]}))
    world.put(
        _product(
            "p-3",
            name={"S": "Chair"},
            price={"N": "89.50"},
            dimensions={"M": {"height": {"N": "92"}, "width": {"N": "48"}, "unit": {"S": "cm"}}},
            colours={"L": [{"S": "black"}, {"S": "grey"}]},
            discontinued={"BOOL": False},
            thumbnail={"B": "iVBORw0KGgo="},
            note={"NULL": True},
        )
    )
    world.put(_product("p-4", name={"S": "Rug"}, price={"N": "60"}, stock={"N": "0"}))
    clock.advance(timedelta(minutes=10))

    # WHEN the first scheduled run comes
    first = world.execute()

    # THEN it bootstraps from a full export, and the mirror is the table at the export time
    assert first["status"] == "SUCCEEDED", first
    assert first["output"]["plan"]["action"] == "BOOTSTRAP"
    assert first["states"].count("Apply exports (Spark)") == 1
    assert first["jobs"][0][:3] == ["apply", "--catalog", "glue"]
    bootstrap = world.assert_mirror_at_watermark()
    assert bootstrap == micros_of(first["output"]["plan"]["fullExport"]["exportTime"])

    # GIVEN a burst of writes: a new product, a price change, a type change, a removed attribute, a delete
    clock.advance(timedelta(minutes=1))
    world.put(_product("p-5", name={"S": "Shelf"}, price={"N": "35.25"}, tags={"SS": ["wood"]}))
    world.update(_key("p-1"), "SET price = :p", {":p": {"N": "17.49"}}, lambda i: i.update(price={"N": "17.49"}))
    stars = {"S": "four stars"}
    world.update(_key("p-1"), "SET rating = :r", {":r": stars}, lambda i: i.update(rating=stars))
    world.update(_key("p-2"), "REMOVE tags", {}, lambda i: i.pop("tags"))
    world.delete(_key("p-4"))
    clock.advance(timedelta(minutes=20))

    # WHEN the next run comes
    second = world.execute()

    # THEN one incremental window from the watermark is exported and applied
    assert second["status"] == "SUCCEEDED", second
    assert second["output"]["plan"]["action"] == "APPLY"
    assert second["states"].count("Window export: start") == 1
    applied = world.assert_mirror_at_watermark()
    assert applied == micros_of(second["output"]["plan"]["windows"][-1]["to"]) > bootstrap

    # GIVEN more writes, and a run less than 15 minutes later: nothing to export yet
    world.put(_product("p-4", name={"S": "Rug"}, price={"N": "55"}, stock={"N": "3"}))
    world.delete(_key("p-3"))
    early = world.execute()
    assert early["status"] == "SUCCEEDED", early
    assert early["output"]["plan"]["action"] == "UP_TO_DATE"
    assert early["jobs"] == []

    # WHEN a run comes after a longer pause, just after one more write
    clock.advance(timedelta(minutes=40))
    world.put(_product("p-6", name={"S": "Stool"}, price={"N": "25"}))
    third = world.execute()

    # THEN the re-created and the deleted product are mirrored, the write inside the safety lag is not yet
    assert third["status"] == "SUCCEEDED", third
    assert third["output"]["plan"]["action"] == "APPLY"
    assert world.assert_mirror_at_watermark() == micros_of(third["output"]["plan"]["windows"][-1]["to"])
    assert key_of(_key("p-6"), KEY) not in world.mirror()[0]

    # WHEN the maintenance schedule fires
    maintained = world.execute("MAINTAIN")

    # THEN the maintain job runs through the same catalog and the mirror is unchanged
    assert maintained["status"] == "SUCCEEDED", maintained
    assert maintained["jobs"][0][0] == "maintain"
    world.assert_mirror_at_watermark()
    # The oracle agrees with the emulator's own table, read back through the DynamoDB API.
    assert_mirror_matches(world.scan(), world.oracle.state_at(clock.now_micros()))


def test_verification_runs_prove_the_mirror_and_count_a_planted_fault(world: World):
    """Runs after the mirror test (same module, same emulator): the mirror it left is verified."""
    if world.runs == 0:
        pytest.skip("needs the mirror the previous test built")
    watermark = world.mirror()[1][PROP_WATERMARK]

    # WHEN a verification is started by hand
    clean = world.execute("VERIFY")

    # THEN a full export at exactly the watermark, the verify job with its report, and zeros published
    assert clean["status"] == "SUCCEEDED", clean
    assert clean["output"]["plan"]["action"] == "VERIFY"
    assert micros_of(clean["output"]["verification"]["exportTime"]) == parse_iso_ms(watermark)
    # The export is planned and made before the run lease is taken; only the job holds it.
    assert clean["states"].index("Verification export: start") < clean["states"].index("Plan")
    assert clean["states"].count("Verification export: start") == 1
    (job,) = clean["jobs"]
    assert job[0] == "verify" and "--exit-zero-when-different" in job
    report_uri = job[job.index("--report") + 1]
    assert report_uri.endswith(f"/emr-logs/verification/run-{world.runs}.json")
    assert world.report(report_uri)["missing"] == 0
    assert world.verification_metrics()["VerificationDifferences"] == 0

    # GIVEN a planted fault: a row deleted from the Iceberg table behind the mirror's back
    from pyiceberg.expressions import And, EqualTo

    world.iceberg_table().delete(delete_filter=And(EqualTo("pk", "product"), EqualTo("sk", "p-5")))

    # WHEN the next verification runs
    faulty = world.execute("VERIFY")

    # THEN the run succeeds (a difference is the alarm's business), and the metric the alarm watches is not 0
    assert faulty["status"] == "SUCCEEDED", faulty
    report = world.report(faulty["jobs"][0][faulty["jobs"][0].index("--report") + 1])
    assert (report["missing"], report["extra"], report["different"]) == (1, 0, 0)
    assert report["sample"]["missing"] == [{"pk": "product", "sk": "p-5"}]
    metrics = world.verification_metrics()
    assert metrics["VerificationDifferences"] == 1
    assert metrics["VerificationMissingItems"] == 1
    assert (metrics["VerificationExtraItems"], metrics["VerificationDifferentItems"]) == (0, 0)
