"""Input the job refuses: a clear error naming the file and line, and nothing committed."""

from __future__ import annotations

import gzip
import json

import pytest
from harness import MINUTE, T0, Scenario
from mirror_job.errors import MirrorError
from support.bad_exports import corrupt_manifest, rewrite_as_ion

WINDOW = 15 * MINUTE


@pytest.fixture
def scenario(spark, tmp_path):
    """A bootstrapped mirror and one change inside the first window."""
    scenario = Scenario(spark, tmp_path)
    for n in range(4):
        scenario.source.put({"pk": {"S": f"k{n}"}, "sk": {"N": "1"}, "v": {"N": str(n)}}, T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put({"pk": {"S": "k9"}, "sk": {"N": "1"}, "v": {"S": "new"}}, T0 + MINUTE)
    return scenario


def refused(scenario, export, match: str) -> None:
    before = scenario.snapshot()
    with pytest.raises(MirrorError, match=match):
        scenario.apply(export)
    assert scenario.snapshot() == before
    scenario.check(T0)


def test_ion_exports_are_refused(scenario):
    export = scenario.window(T0, T0 + WINDOW)
    rewrite_as_ion(scenario.bucket, export)
    refused(scenario, export, "outputFormat 'ION' is not supported")


def test_a_data_file_whose_md5_differs_from_the_manifest_is_refused(scenario):
    export = scenario.window(T0, T0 + WINDOW)
    key = corrupt_manifest(export, "md5Checksum")
    refused(scenario, export, f"{key.split('/')[-1]}: MD5 .* does not match")


def test_a_data_file_with_another_line_count_than_the_manifest_is_refused(scenario):
    export = scenario.window(T0, T0 + WINDOW)
    key = corrupt_manifest(export, "itemCount")
    with pytest.raises(MirrorError, match="manifest-summary.json: itemCount is 1 but manifest-files.json lists 2"):
        scenario.apply(export)
    _set_summary_item_count(export, 2)  # now only the data file itself disagrees
    refused(scenario, export, f"{key.split('/')[-1]}: holds 1 lines but the manifest lists itemCount 2")


def test_a_manifest_that_does_not_match_its_md5_file_is_refused(scenario):
    export = scenario.window(T0, T0 + WINDOW)
    corrupt_manifest(export, "itemCount", refresh_manifest_md5=False)
    refused(scenario, export, "manifest-files.json: MD5 .* does not match")


def test_a_malformed_line_is_named_by_file_and_line(scenario):
    export = scenario.window(T0, T0 + WINDOW, partitions=1)
    entry = json.loads((export / "manifest-files.json").read_text().splitlines()[0])
    data = scenario.bucket / entry["dataFileS3Key"]
    line = json.loads(gzip.decompress(data.read_bytes()))
    line["NewImage"]["v"] = {"X": "what"}
    _rewrite(export, entry, data, json.dumps(line).encode() + b"\n")
    refused(scenario, export, f"{data.name}: line 1: unknown DynamoDB type tag 'X'")


def test_an_export_of_another_table_is_refused(scenario, spark, tmp_path):
    other = Scenario(spark, tmp_path / "other", table_arn="arn:aws:dynamodb:eu-north-1:123456789123:table/other")
    other.source.put({"pk": {"S": "x"}, "sk": {"N": "1"}}, T0 + MINUTE)
    refused(scenario, other.window(T0, T0 + WINDOW), "is an export of .*table/other, but this table mirrors")


def test_a_folder_without_a_manifest_is_refused(scenario, tmp_path):
    refused(scenario, tmp_path, "manifest-summary.json: not found")


def test_windows_before_any_bootstrap_are_refused(spark, tmp_path):
    fresh = Scenario(spark, tmp_path)
    fresh.source.put({"pk": {"S": "x"}, "sk": {"N": "1"}}, T0 + MINUTE)
    with pytest.raises(MirrorError, match="apply a full export first"):
        fresh.apply(fresh.window(T0, T0 + WINDOW))


def test_unknown_column_types_are_refused(scenario):
    with pytest.raises(MirrorError, match="--column-types: 'v' has type 'float'"):
        scenario.apply(scenario.window(T0, T0 + WINDOW), column_types={"v": "float"})


def _set_summary_item_count(export, count: int) -> None:
    from dynamo_local.exports import md5_b64

    summary = json.loads((export / "manifest-summary.json").read_text())
    summary["itemCount"] = count
    content = json.dumps(summary).encode()
    (export / "manifest-summary.json").write_bytes(content)
    (export / "manifest-summary.md5").write_text(md5_b64(content))


def _rewrite(export, entry, data, content: bytes) -> None:
    """Replaces a data file and keeps its manifests consistent, so only the line itself is wrong."""
    from dynamo_local.exports import md5_b64

    data.write_bytes(gzip.compress(content))
    entries = [json.loads(x) for x in (export / "manifest-files.json").read_text().splitlines()]
    for e in entries:
        if e["dataFileS3Key"] == entry["dataFileS3Key"]:
            e["md5Checksum"] = md5_b64(data.read_bytes())
    manifest = "".join(json.dumps(e) + "\n" for e in entries).encode()
    (export / "manifest-files.json").write_bytes(manifest)
    (export / "manifest-files.md5").write_text(md5_b64(manifest))


def test_a_table_that_is_not_a_mirror_is_left_alone(spark, tmp_path):
    fresh = Scenario(spark, tmp_path)
    spark.sql(f"CREATE TABLE {fresh.table} (id bigint) USING iceberg")
    fresh.source.put({"pk": {"S": "x"}, "sk": {"N": "1"}}, T0 - MINUTE)
    with pytest.raises(MirrorError, match="has no dynamo-iceberg-mirror.watermark property; it is not a mirror"):
        fresh.apply(fresh.full(T0))
    assert spark.table(fresh.table).columns == ["id"]
