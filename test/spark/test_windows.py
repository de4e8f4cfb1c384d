"""Incremental windows: applied in order, idempotent, overlap-safe, gap-refusing, crash-safe."""

from __future__ import annotations

import random

import pytest
from harness import MINUTE, T0, Scenario
from mirror_job import merge, position_deletes, publish
from mirror_job.errors import MirrorError
from support.bad_exports import write_decoys
from support.items import ItemFactory

WINDOW = 15 * MINUTE


def seeded(spark, tmp_path, seed: int, items: int):
    """A table with random items written before T0 (not mirrored yet), and the factory that made them."""
    scenario = Scenario(spark, tmp_path)
    factory = ItemFactory(random.Random(seed), {"pk": "S", "sk": "N"})
    live = [factory.new_item() for _ in range(items)]
    for n, item in enumerate(live):
        scenario.source.put(item, T0 - (items - n) * MINUTE)
    return scenario, factory, live


def populated(spark, tmp_path, seed: int = 1, items: int = 30):
    """A mirror bootstrapped from a full export at T0 of a table with random items."""
    scenario, factory, live = seeded(spark, tmp_path, seed, items)
    scenario.apply(scenario.full(T0))
    return scenario, factory, live


def keys_of(item):
    return {"pk": item["pk"], "sk": item["sk"]}


def churn(scenario, factory, live, start, rng):
    """Puts, updates, attribute removals, type changes and deletes at times in [start, start + WINDOW)."""
    moments = sorted(rng.sample(range(start, start + WINDOW), 14))
    actions = [
        "new",
        "update",
        "remove",
        "type",
        "delete",
        "new",
        "update",
        "delete",
        "add",
        "update",
        "type",
        "remove",
        "new",
        "delete",
    ]
    for moment, action in zip(moments, actions):
        if action == "new" or not live:
            item = factory.new_item()
            live.append(item)
        elif action == "delete":
            victim = live.pop(rng.randrange(len(live)))
            scenario.source.delete(keys_of(victim), moment)
            continue
        else:
            index = rng.randrange(len(live))
            change = {
                "update": factory.update_item,
                "remove": factory.remove_attributes,
                "type": factory.change_type,
                "add": factory.add_attributes,
            }[action]
            item = live[index] = change(live[index])
        scenario.source.put(item, moment)


def test_a_chain_of_windows_keeps_the_mirror_equal_to_the_table(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    rng = random.Random(3)
    start = T0
    for _ in range(3):
        churn(scenario, factory, live, start, rng)
        export = scenario.window(start, start + WINDOW)
        results = scenario.apply(export)
        assert [r.action for r in results] == ["applied"]
        start += WINDOW
        scenario.check(start)


def test_summary_counts_match_what_the_window_did(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path, items=5)
    updated, deleted = live[0], live[1]
    scenario.source.put(factory.update_item(updated), T0 + MINUTE)
    scenario.source.delete(keys_of(deleted), T0 + 2 * MINUTE)
    scenario.source.put(factory.new_item(), T0 + 3 * MINUTE)
    scenario.source.delete({"pk": {"S": "never there"}, "sk": {"N": "0"}}, T0 + 4 * MINUTE)

    (result,) = scenario.apply(scenario.window(T0, T0 + WINDOW))

    assert (result.inserted, result.updated, result.deleted) == (1, 1, 1)
    assert spark.table(scenario.table).count() == 5
    scenario.check(T0 + WINDOW)


def test_several_windows_in_one_run_equal_applying_them_one_by_one(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path, seed=5)
    rng = random.Random(11)
    exports = []
    for n in range(3):
        churn(scenario, factory, live, T0 + n * WINDOW, rng)
        exports.append(scenario.window(T0 + n * WINDOW, T0 + (n + 1) * WINDOW))

    results = scenario.apply(*reversed(exports))  # given out of order on purpose

    assert [r.action for r in results] == ["applied"] * 3
    assert [r.export.start for r in results] == sorted(r.export.start for r in results)
    scenario.check(T0 + 3 * WINDOW)


def test_reapplying_an_applied_window_changes_nothing(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(2))
    export = scenario.window(T0, T0 + WINDOW)
    scenario.apply(export)
    before = scenario.snapshot()

    (result,) = scenario.apply(export)

    assert result.action == "skipped"
    assert scenario.snapshot() == before
    scenario.check(T0 + WINDOW)


def test_a_window_overlapping_the_watermark_is_applied_correctly(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    rng = random.Random(4)
    churn(scenario, factory, live, T0, rng)
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    churn(scenario, factory, live, T0 + WINDOW, rng)

    # Starts 10 minutes before the watermark, ends 15 minutes after it.
    (result,) = scenario.apply(scenario.window(T0 + 5 * MINUTE, T0 + 2 * WINDOW))

    assert result.action == "applied"
    scenario.check(T0 + 2 * WINDOW)


def test_a_window_after_a_gap_is_refused_with_nothing_committed(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    scenario.source.put(factory.update_item(live[0]), T0 + 1_000_000)  # a write inside the gap
    churn(scenario, factory, live, T0 + 69 * 1_000_000, random.Random(6))
    before = scenario.snapshot()

    # Like the real exports: a full export at 10:18:50.622 and a first window starting 69 s later.
    with pytest.raises(MirrorError, match="starts after the table's watermark"):
        scenario.apply(scenario.window(T0 + 69 * 1_000_000, T0 + WINDOW))

    assert scenario.snapshot() == before
    scenario.check(T0)


def test_a_gap_is_applied_and_recorded_when_explicitly_allowed(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    gap_end = T0 + 69 * 1_000_000
    churn(scenario, factory, live, gap_end, random.Random(7))

    (result,) = scenario.apply(scenario.window(gap_end, gap_end + WINDOW), allow_gap=True)

    assert result.action == "applied"
    properties = scenario.snapshot()[1]
    assert (
        '"from": "2026-01-14T10:18:50.622Z", "to": "2026-01-14T10:19:59.622Z"'
        in properties["dynamo-iceberg-mirror.accepted-gaps"]
    )
    scenario.check(gap_end + WINDOW)  # no write fell in the gap, so nothing was lost


def test_a_failed_commit_leaves_table_and_watermark_as_they_were(spark, tmp_path, monkeypatch):
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(8))
    export = scenario.window(T0, T0 + WINDOW)
    before = scenario.snapshot()

    def crash(*_):
        raise RuntimeError("simulated crash after the puts were appended, before the deletes")

    monkeypatch.setattr(merge, "delete_rows", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        scenario.apply(export)
    assert scenario.snapshot() == before
    scenario.check(T0)

    monkeypatch.undo()
    scenario.apply(export)
    scenario.check(T0 + WINDOW)


def test_a_crash_after_the_deletes_and_before_publishing_commits_nothing(spark, tmp_path, monkeypatch):
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(9))
    live[0] = factory.add_attributes(live[0], n=3)  # new columns too: the crash must take them back
    scenario.source.put(live[0], T0 + WINDOW - 1)
    export = scenario.window(T0, T0 + WINDOW)
    before = scenario.snapshot()

    def crash(*_):
        raise RuntimeError("simulated crash after the deletes, before publishing")

    monkeypatch.setattr(merge, "publish_run", crash)
    with pytest.raises(RuntimeError, match="before publishing"):
        scenario.apply(export)
    assert scenario.snapshot() == before
    assert run_branches(spark, scenario.table) == []
    scenario.check(T0)

    monkeypatch.undo()
    (result,) = scenario.apply(export)
    assert result.action == "applied"
    scenario.check(T0 + WINDOW)


def run_branches(spark, name: str) -> list[str]:
    refs = spark.sql(f"SELECT name FROM {name}.refs").collect()
    return [r[0] for r in refs if r[0].startswith(publish.RUN_BRANCH_PREFIX)]


def test_deleting_an_unknown_key_adds_no_row(spark, tmp_path):
    scenario, _, live = populated(spark, tmp_path, items=3)
    scenario.source.delete({"pk": {"S": "ghost"}, "sk": {"N": "1"}}, T0 + MINUTE)

    (result,) = scenario.apply(scenario.window(T0, T0 + WINDOW))

    assert result.deleted == 0
    assert spark.table(scenario.table).count() == 3
    scenario.check(T0 + WINDOW)


def test_a_type_change_keeps_the_value_and_the_run_succeeds(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "price": {"N": "10"}}, T0 - 1)
    scenario.apply(scenario.full(T0))
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "price": {"S": "ten"}}, T0 + 1)
    scenario.source.put({"pk": {"S": "b"}, "sk": {"N": "1"}, "price": {"N": "0.25"}}, T0 + 2)

    (result,) = scenario.apply(scenario.window(T0, T0 + WINDOW))

    assert result.unmapped == 2  # "ten" in a long column, 0.25 in a long column
    scenario.check(T0 + WINDOW)


def test_new_attributes_add_columns(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path, items=4)
    scenario.source.put(factory.add_attributes(live[0], 2), T0 + MINUTE)

    (result,) = scenario.apply(scenario.window(T0, T0 + WINDOW))

    assert len(result.new_columns) == 2
    assert set(result.new_columns) <= set(spark.table(scenario.table).columns)
    scenario.check(T0 + WINDOW)


def test_data_files_of_other_exports_in_the_shared_folder_are_never_read(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(10))
    export = scenario.window(T0, T0 + WINDOW)
    write_decoys(scenario.writer, 3, scenario.source)

    scenario.apply(export)

    scenario.check(T0 + WINDOW)


def test_new_image_only_exports_are_applied_like_full_images(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(12))

    scenario.apply(scenario.window(T0, T0 + WINDOW, view="NEW_IMAGE"))

    scenario.check(T0 + WINDOW)


def test_bootstrap_and_windows_in_one_run(spark, tmp_path):
    scenario, factory, live = seeded(spark, tmp_path, seed=13, items=10)
    full = scenario.full(T0)
    churn(scenario, factory, live, T0, random.Random(14))

    results = scenario.apply(scenario.window(T0, T0 + WINDOW), full)

    assert [r.action for r in results] == ["bootstrapped", "applied"]
    scenario.check(T0 + WINDOW)


def test_the_crash_tests_replace_the_function_the_apply_path_calls():
    """Guards the crash tests: replacing merge.publish_run (or merge.delete_rows) must reach the commit of
    data and watermark (or of the deletes)."""
    assert merge.publish_run is publish.publish_run
    assert merge.delete_rows is position_deletes.delete_rows


def test_a_bucketed_table_mirrors_the_same(spark, tmp_path):
    scenario, factory, live = seeded(spark, tmp_path, seed=17, items=25)
    scenario.apply(scenario.full(T0), partition_buckets=4)
    churn(scenario, factory, live, T0, random.Random(18))

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    partitions = spark.sql(f"SELECT partition FROM {scenario.table}.partitions").collect()
    assert 1 < len(partitions) <= 4
    scenario.check(T0 + WINDOW)


def test_windows_on_a_mirror_of_an_empty_table_fill_it(spark, tmp_path):
    """A new, empty table bootstraps an empty mirror (no snapshot yet); its first windows then land as usual."""
    scenario = Scenario(spark, tmp_path, key_types={"pk": "S", "sk": "N"})
    (bootstrapped,) = scenario.apply(scenario.full(T0))
    assert bootstrapped.inserted == 0
    factory = ItemFactory(random.Random(41), {"pk": "S", "sk": "N"})
    live: list = []
    churn(scenario, factory, live, T0, random.Random(42))
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    scenario.check(T0 + WINDOW)


@pytest.mark.parametrize("buckets", [0, 4])
def test_each_delete_file_holds_one_data_files_positions_in_order(spark, tmp_path, buckets):
    """The rows a window replaces or deletes go as position deletes: one file per data file, positions
    ascending (Iceberg's spec), beside the data files it applies to."""
    scenario, factory, live = seeded(spark, tmp_path, seed=23, items=40)
    scenario.apply(scenario.full(T0), partition_buckets=buckets)
    churn(scenario, factory, live, T0, random.Random(23))
    result = scenario.apply(scenario.window(T0, T0 + WINDOW))[0]
    scenario.check(T0 + WINDOW)

    rows = spark.sql(f"SELECT delete_file_path, file_path, pos FROM {scenario.table}.position_deletes").collect()
    places: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        places.setdefault(row.delete_file_path, []).append((row.file_path, row.pos))
    assert sum(len(p) for p in places.values()) == result.updated + result.deleted > 0
    for delete_file, deleted in places.items():
        data_files = {path for path, _ in deleted}
        assert len(data_files) == 1, delete_file
        assert [pos for _, pos in deleted] == sorted(pos for _, pos in deleted), delete_file
        data_file = data_files.pop()
        assert delete_file.rsplit("/", 1)[0] == data_file.rsplit("/", 1)[0]


def test_a_table_upgraded_to_format_v3_is_refused_with_nothing_committed(spark, tmp_path):
    """Format v3 wants deletion vectors where the job writes position delete files."""
    scenario, factory, live = populated(spark, tmp_path)
    churn(scenario, factory, live, T0, random.Random(5))
    spark.sql(f"ALTER TABLE {scenario.table} SET TBLPROPERTIES ('format-version' = '3')")
    before = scenario.snapshot()
    with pytest.raises(MirrorError, match="format-version 3; the mirror reads and writes format-version 2"):
        scenario.apply(scenario.window(T0, T0 + WINDOW))
    assert scenario.snapshot() == before
