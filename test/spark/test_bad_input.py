"""Hostile input and DynamoDB's own limits, through the real job: exact, or refused by name with nothing committed.

Bad exports (broken files, lying manifests, the wrong kind or table of export) must raise a MirrorError naming
the file (and the line, when one line is at fault) and leave the table as it was: same snapshots, same
watermark, or no table at all when the run was to create it. Values at DynamoDB's limits must come back
exactly, checked against expectations written here from DynamoDB's rules and the README's type mapping, not
read back from the job's code. A fuzz test mutates real-format lines: mirrored exactly, or refused by line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dynamo_local.exports import ExportWriter
from harness import MINUTE, T0, TABLE_ARN, Scenario
from mirror_job.errors import MirrorError
from mirror_job.table import load_state
from support.export_edits import (
    data_path,
    manifest_entries,
    non_empty_entry,
    replace_data,
    write_manifest,
    write_summary,
)

WINDOW = 15 * MINUTE
OTHER_ARN = "arn:aws:dynamodb:eu-north-1:123456789123:table/other"


def item(pk: str, v: object = "x", sk: str = "1") -> dict:
    return {"pk": {"S": pk}, "sk": {"N": sk}, "v": {"S": str(v)}}


@pytest.fixture
def bootstrapped(spark, tmp_path):
    """A mirror bootstrapped at T0 and changes inside the window [T0, T0 + WINDOW)."""
    scenario = Scenario(spark, tmp_path)
    for n in range(3):
        scenario.source.put(item(f"k{n}", n), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put(item("k9", "new"), T0 + MINUTE)
    scenario.source.put(item("k0", "changed"), T0 + 2 * MINUTE)
    return scenario


def fresh(spark, root: Path, items: int = 3) -> Scenario:
    scenario = Scenario(spark, root)
    for n in range(items):
        scenario.source.put(item(f"k{n}", n), T0 - MINUTE)
    return scenario


def refused_untouched(scenario: Scenario, *exports, match: str) -> MirrorError:
    """The run raises a MirrorError matching `match`; the table's snapshots and watermark did not move."""
    before = scenario.snapshot()
    with pytest.raises(MirrorError, match=match) as error:
        scenario.apply(*exports)
    assert scenario.snapshot() == before
    scenario.check(T0)
    return error.value


def refused_no_table(scenario: Scenario, *exports, match: str) -> MirrorError:
    """The run raises a MirrorError matching `match` and created no table."""
    with pytest.raises(MirrorError, match=match) as error:
        scenario.apply(*exports)
    assert load_state(scenario.spark, scenario.table) is None
    return error.value


# -- broken files ------------------------------------------------------------------------------------


def truncate(scenario: Scenario, export: Path) -> str:
    """Cuts a non-empty data file in half, the manifest's MD5 updated so only the gzip check can catch it."""
    key = non_empty_entry(export)["dataFileS3Key"]
    content = data_path(scenario.bucket, {"dataFileS3Key": key}).read_bytes()
    replace_data(scenario.bucket, export, key, content[: len(content) // 2])
    return key


def test_a_truncated_gzip_data_file_of_a_window_is_refused_by_name(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key = truncate(bootstrapped, export)
    refused_untouched(bootstrapped, export, match=rf"{re.escape(key)}: not a readable gzip file")


def test_a_truncated_gzip_data_file_of_a_full_export_creates_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=1)
    key = truncate(scenario, export)
    refused_no_table(scenario, export, match=rf"{re.escape(key)}: not a readable gzip file")


def test_a_data_file_missing_from_the_bucket_is_named(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key = non_empty_entry(export)["dataFileS3Key"]
    data_path(bootstrapped.bucket, {"dataFileS3Key": key}).unlink()
    refused_untouched(bootstrapped, export, match=rf"{re.escape(key)}: listed in its export's manifest-files.json but")


def test_a_data_file_missing_from_a_full_export_creates_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=3)
    key = manifest_entries(export)[-1]["dataFileS3Key"]  # empty or not: every listed file must be there
    data_path(scenario.bucket, {"dataFileS3Key": key}).unlink()
    refused_no_table(scenario, export, match=rf"{re.escape(key)}: listed in its export's manifest-files.json but")


# -- lying manifests -----------------------------------------------------------------------------------


def list_twice(export: Path) -> tuple[str, int]:
    """Lists the non-empty data file a second time at the end; the summary's itemCount agrees with the list."""
    entries = manifest_entries(export)
    twice = non_empty_entry(export)
    write_manifest(export, [*entries, twice])
    write_summary(export, itemCount=sum(e["itemCount"] for e in entries) + twice["itemCount"])
    first = next(n for n, e in enumerate(entries, start=1) if e == twice)
    return twice["dataFileS3Key"], first


def test_a_full_export_listing_one_data_file_twice_is_refused_by_manifest_line(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=2)
    key, first = list_twice(export)
    refused_no_table(
        scenario,
        export,
        match=rf"manifest-files.json: line 3 lists {re.escape(key)} again \(first at line {first}\)",
    )


def test_a_window_listing_one_data_file_twice_is_refused_by_manifest_line(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key, _ = list_twice(export)
    refused_untouched(bootstrapped, export, match=rf"manifest-files.json: line 2 lists {re.escape(key)} again")


@pytest.mark.parametrize("count", [4, 2, 0])
def test_a_summary_whose_item_count_disagrees_with_the_files_creates_no_table(spark, tmp_path, count):
    scenario = fresh(spark, tmp_path, items=3)
    export = scenario.full(T0)
    write_summary(export, itemCount=count)
    refused_no_table(
        scenario, export, match=f"manifest-summary.json: itemCount is {count} but manifest-files.json lists 3 items"
    )


@pytest.mark.parametrize("count", ["3", 3.0, True, -1, None])
def test_a_summary_item_count_that_is_not_a_count_is_refused(bootstrapped, count):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, itemCount=count)
    if count is None:  # DynamoDB always writes one, but a missing count is no lie: the files' lines still count
        bootstrapped.apply(export)
        bootstrapped.check(T0 + WINDOW)
        return
    refused_untouched(bootstrapped, export, match=rf"manifest-summary.json: itemCount {re.escape(repr(count))} is not")


def test_a_manifest_entry_whose_item_count_is_not_a_count_is_refused_by_line(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    (entry,) = manifest_entries(export)
    write_manifest(export, [{**entry, "itemCount": 1.5}])
    refused_untouched(bootstrapped, export, match=r"manifest-files.json: line 1 is not a data file entry")


# -- the wrong kind of export --------------------------------------------------------------------------


def test_a_full_export_older_than_the_watermark_is_skipped_and_commits_nothing(bootstrapped):
    window = bootstrapped.window(T0, T0 + WINDOW)
    bootstrapped.apply(window)
    before = bootstrapped.snapshot()
    earlier = bootstrapped.full(T0 + MINUTE + 1000)  # newer than the bootstrap, older than the watermark

    (result,) = bootstrapped.apply(earlier)

    assert (result.action, result.reason) == (
        "skipped",
        "already covered: the table's watermark is 2026-01-14T10:33:50.622Z",
    )
    assert bootstrapped.snapshot() == before
    bootstrapped.full_export_micros = T0
    bootstrapped.check(T0 + WINDOW)


def test_the_bootstrap_export_given_again_is_skipped(bootstrapped):
    (bootstrap_id,) = {m.export_id for m in bootstrapped.check(T0).meta.values()}
    again = next(p for p in (bootstrapped.bucket / "AWSDynamoDB").iterdir() if p.name == bootstrap_id)
    before = bootstrapped.snapshot()
    assert [r.action for r in bootstrapped.apply(again)] == ["skipped"]
    assert bootstrapped.snapshot() == before


def test_a_window_before_any_full_export_is_refused_by_its_folder(spark, tmp_path):
    scenario = fresh(spark, tmp_path, items=0)
    scenario.source.put(item("a"), T0 + MINUTE)
    window = scenario.window(T0, T0 + WINDOW)
    refused_no_table(scenario, window, match=rf"{re.escape(window.as_uri())}: the table does not exist yet")


def test_a_summary_with_a_window_but_no_export_type_is_refused(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, exportType=None, exportTime="2026-01-14T10:18:50.622Z")
    refused_untouched(bootstrapped, export, match="manifest-summary.json: has an incremental window but no exportType")


# -- exports of two tables ---------------------------------------------------------------------------


def test_full_exports_of_two_tables_in_one_run_create_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    other = fresh(spark, tmp_path / "other")
    other.writer = ExportWriter(other.bucket, OTHER_ARN)
    refused_no_table(
        scenario, scenario.full(T0), other.full(T0), match="is an export of .*table/other, but this table mirrors"
    )


def test_exports_of_two_tables_sharing_an_export_id_are_still_refused(spark, tmp_path):
    """Export ids are unique per table only: two tables' exports can carry the same one."""
    scenario, other = fresh(spark, tmp_path), fresh(spark, tmp_path / "other")
    scenario.writer = ExportWriter(scenario.bucket, TABLE_ARN, seed=7)
    other.writer = ExportWriter(other.bucket, OTHER_ARN, seed=7)
    mine, theirs = scenario.full(T0), other.full(T0)
    assert mine.name == theirs.name
    refused_no_table(scenario, mine, theirs, match=rf"{re.escape(theirs.as_uri())}: is an export of .*table/other")


def test_windows_of_two_tables_in_one_run_leave_the_table_untouched(bootstrapped, tmp_path):
    other = Scenario(bootstrapped.spark, tmp_path / "other", table_arn=OTHER_ARN)
    other.source.put(item("x"), T0 + MINUTE)
    mine, theirs = bootstrapped.window(T0, T0 + WINDOW), other.window(T0, T0 + WINDOW)
    refused_untouched(bootstrapped, mine, theirs, match=rf"{re.escape(theirs.as_uri())}: is an export of .*other")


# -- view types ----------------------------------------------------------------------------------------
# The job records no view type with the table: it reads Keys and NewImage only, which both views write
# alike, so windows of either view may follow each other. Pinned here, so a change of that is deliberate.


def test_windows_of_both_view_types_mirror_the_same_across_runs_and_in_one_run(bootstrapped):
    bootstrapped.source.delete({"pk": {"S": "k1"}, "sk": {"N": "1"}}, T0 + 3 * MINUTE)
    bootstrapped.apply(bootstrapped.window(T0, T0 + WINDOW, view="NEW_AND_OLD_IMAGES"))
    bootstrapped.source.put(item("k9", "again"), T0 + WINDOW + MINUTE)
    bootstrapped.source.delete({"pk": {"S": "k2"}, "sk": {"N": "1"}}, T0 + WINDOW + MINUTE)
    bootstrapped.apply(bootstrapped.window(T0 + WINDOW, T0 + 2 * WINDOW, view="NEW_IMAGE"))
    bootstrapped.check(T0 + 2 * WINDOW)
    bootstrapped.source.put(item("k0", "third"), T0 + 2 * WINDOW + MINUTE)
    bootstrapped.source.delete({"pk": {"S": "k9"}, "sk": {"N": "1"}}, T0 + 3 * WINDOW + MINUTE)
    bootstrapped.apply(
        bootstrapped.window(T0 + 2 * WINDOW, T0 + 3 * WINDOW, view="NEW_AND_OLD_IMAGES"),
        bootstrapped.window(T0 + 3 * WINDOW, T0 + 4 * WINDOW, view="NEW_IMAGE"),
    )
    bootstrapped.check(T0 + 4 * WINDOW)


def test_a_window_of_an_unknown_view_type_is_refused(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, outputView="KEYS_ONLY")  # lines without NewImage would read as deletes
    refused_untouched(bootstrapped, export, match="manifest-summary.json: outputView 'KEYS_ONLY' is not supported")
