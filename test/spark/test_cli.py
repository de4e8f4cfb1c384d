"""The packaged command line, run as a user runs it: `dynamo-iceberg-mirror local apply|query|verify`."""

from __future__ import annotations

import json
import subprocess

from conftest import ROOT
from dynamo_local.simulated_table import key_of
from harness import MINUTE, T0, Scenario
from support.compare import assert_mirror_matches

WINDOW = 15 * MINUTE


def cli(*args: str) -> subprocess.CompletedProcess:
    command = [str(ROOT / "node_modules" / ".bin" / "ts-node"), "--project", str(ROOT / "tsconfig.dev.json")]
    command += [str(ROOT / "src" / "cli" / "main.ts"), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_local_apply_and_query_from_the_command_line(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "price": {"N": "9.95"}}, T0 - MINUTE)
    full = scenario.full(T0)
    scenario.source.put({"pk": {"S": "b"}, "sk": {"N": "2"}, "price": {"N": "1.50"}}, T0 + MINUTE)
    scenario.source.delete({"pk": {"S": "a"}, "sk": {"N": "1"}}, T0 + 2 * MINUTE)
    window = scenario.window(T0, T0 + WINDOW)
    gap = scenario.window(T0 + 2 * WINDOW, T0 + 3 * WINDOW)
    warehouse = tmp_path / "warehouse"
    target = ["--warehouse", str(warehouse), "--table", "shop.orders", "--key", "pk,sk"]

    applied = cli("local", "apply", *target, str(window), str(full))
    refused = cli("local", "apply", *target, str(gap))
    again = cli("local", "apply", *target, str(window))
    queried = cli("local", "query", "--warehouse", str(warehouse), "--sql", "SELECT pk, sk, price FROM shop.orders")

    assert applied.returncode == 0, applied.stderr
    lines = applied.stdout.splitlines()
    assert lines[0].startswith("bootstrapped full export") and "1 inserted" in lines[0]
    assert lines[1].startswith("applied incremental export") and "1 inserted, 0 updated, 1 deleted" in lines[1]
    assert lines[1].endswith("watermark 2026-01-14T10:33:50.622Z")
    assert refused.returncode == 2 and "starts after the table's watermark" in refused.stderr
    assert again.returncode == 0 and again.stdout.startswith("skipped incremental export")
    assert queried.returncode == 0, queried.stderr
    rows = [json.loads(line) for line in queried.stdout.splitlines()]
    assert rows == [{"pk": "b", "sk": "2", "price": "1.50"}]
    expected = scenario.source.state_at(T0 + WINDOW)
    actual = {
        key_of(item, ["pk", "sk"]): item for item in [{"pk": {"S": "b"}, "sk": {"N": "2"}, "price": {"N": "1.50"}}]
    }
    assert_mirror_matches(actual, expected)


def test_the_warehouse_is_a_plain_iceberg_warehouse_any_reader_opens(spark, tmp_path):
    from mirror_job.merge import apply_exports
    from pyiceberg.table import StaticTable

    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "tags": {"SS": ["x", "y"]}}, T0 - MINUTE)
    apply_exports(spark, scenario.table, scenario.key, [str(scenario.full(T0))])
    location = spark.sql(f"DESCRIBE TABLE EXTENDED {scenario.table}").where("col_name = 'Location'").first()[1]
    metadata = sorted((p for p in _metadata_files(location)), key=lambda p: p.name)[-1]

    table = StaticTable.from_metadata(str(metadata))
    rows = table.scan().to_arrow().to_pylist()

    assert [(r["pk"], r["sk"], sorted(r["tags"])) for r in rows] == [("a", "1", ["x", "y"])]
    assert table.properties["dynamo-iceberg-mirror.watermark"] == "2026-01-14T10:18:50.622Z"


def _metadata_files(location: str):
    from pathlib import Path

    return (Path(location.removeprefix("file:")) / "metadata").glob("v*.metadata.json")


def test_local_verify_exit_status_is_0_equal_1_different_2_refused(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "price": {"N": "9.95"}}, T0 - MINUTE)
    scenario.source.put({"pk": {"S": "b"}, "sk": {"N": "2"}, "price": {"N": "1.50"}}, T0 - MINUTE)
    full = scenario.full(T0)
    later = scenario.writer.full_export(scenario.source, T0 + MINUTE)
    warehouse, report = tmp_path / "warehouse", tmp_path / "reports" / "verify.json"
    target = ["--warehouse", str(warehouse), "--table", "shop.orders"]
    assert cli("local", "apply", *target, "--key", "pk,sk", str(full)).returncode == 0

    equal = cli("local", "verify", *target, str(full))
    cli("local", "query", "--warehouse", str(warehouse), "--sql", "DELETE FROM shop.orders WHERE pk = 'b'")
    different = cli("local", "verify", *target, "--report", str(report), str(full))
    reported = cli("local", "verify", *target, "--exit-zero-when-different", str(full))
    refused = cli("local", "verify", *target, str(later))

    assert equal.returncode == 0, equal.stderr[-3000:]
    last = json.loads(equal.stdout.splitlines()[-1])
    assert (last["missing"], last["extra"], last["different"]) == (0, 0, 0)
    assert different.returncode == 1, different.stderr[-3000:]
    last = json.loads(different.stdout.splitlines()[-1])
    assert (last["missing"], last["extra"], last["different"]) == (1, 0, 0)
    assert last["sample"]["missing"] == [{"pk": "b", "sk": "2"}]
    assert json.loads(report.read_text()) == last
    assert reported.returncode == 0, reported.stderr[-3000:]
    assert json.loads(reported.stdout.splitlines()[-1])["missing"] == 1
    assert refused.returncode == 2 and "no snapshot has the watermark 2026-01-14T10:19:50.622Z" in refused.stderr
