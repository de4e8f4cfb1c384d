"""verify: a fresh full export at a watermark against the mirror's snapshot at that watermark.

Clean on mirrors the engine builds, and names exactly each planted fault (keys only).
"""

from __future__ import annotations

import random

import pytest
from harness import MINUTE, T0, Scenario
from mirror_job.convert import canonical_number
from mirror_job.decode import parse_number
from mirror_job.errors import MirrorError
from mirror_job.verify import verify
from support.export_edits import data_lines, non_empty_entry, replace_lines
from test_windows import churn, keys_of, populated, seeded

pytestmark = pytest.mark.planted_faults  # its mirrors differ from their exports on purpose

WINDOW = 15 * MINUTE
LAMP = {
    "pk": {"S": "lamp"},
    "sk": {"N": "7"},
    "price": {"N": "9.95"},
    "label": {"S": "desk lamp"},
    "colors": {"SS": ["red", "green", "blue"]},
}
LAMP_KEY = {"pk": "lamp", "sk": "7"}
ALL = 1000  # a sample large enough to hold every key of a kind


def fresh_full(scenario: Scenario, at_micros: int):
    """A full export of the source at `at_micros` (not the mirror's bootstrap: Scenario.full would reset it)."""
    return scenario.writer.full_export(scenario.source, at_micros)


def mirror_with_a_window(spark, tmp_path, seed: int = 1):
    """Bootstrap at T0 (random items and the lamp), then one window of churn: watermark T0 + WINDOW."""
    scenario, factory, live = populated_with_lamp(spark, tmp_path, seed)
    churn(scenario, factory, live, T0, random.Random(seed))
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    return scenario


def populated_with_lamp(spark, tmp_path, seed: int):
    """A mirror bootstrapped at T0 from 30 random items and the lamp."""
    scenario, factory, live = seeded(spark, tmp_path, seed, 30)
    scenario.source.put(LAMP, T0 - 100 * MINUTE)
    scenario.apply(scenario.full(T0))
    return scenario, factory, live


def key_of(item: dict) -> dict:
    """The key as the report names it: numbers as the mirror's canonical text."""
    return {"pk": item["pk"]["S"], "sk": canonical_number(parse_number(item["sk"]["N"]))}


def counts(report: dict) -> tuple[int, int, int]:
    return report["missing"], report["extra"], report["different"]


def test_clean_on_mirrors_built_by_bootstrap_and_windows(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path, seed=2)
    assert counts(verify(spark, scenario.table, str(fresh_full(scenario, T0)))) == (0, 0, 0)
    rng = random.Random(4)
    for n in range(3):
        churn(scenario, factory, live, T0 + n * WINDOW, rng)
        scenario.apply(scenario.window(T0 + n * WINDOW, T0 + (n + 1) * WINDOW))

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + 3 * WINDOW)))

    assert report["sample"] == {"missing": [], "extra": [], "different": []}
    assert counts(report) == (0, 0, 0) and all(isinstance(n, int) for n in counts(report))
    assert report["watermark"] == "2026-01-14T11:03:50.622Z"
    assert report["items"] == len(scenario.source.state_at(T0 + 3 * WINDOW))


def test_time_travel_verifies_an_earlier_watermark_against_its_own_snapshot(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=3)
    scenario.source.put({**LAMP, "price": {"N": "12.50"}}, T0 + WINDOW + MINUTE)
    scenario.apply(scenario.window(T0 + WINDOW, T0 + 2 * WINDOW))
    first = spark.sql(f"SELECT snapshot_id FROM {scenario.table}.snapshots ORDER BY committed_at").first()[0]

    at_bootstrap = verify(spark, scenario.table, str(fresh_full(scenario, T0)))
    after_first_window = verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)))

    assert counts(at_bootstrap) == (0, 0, 0) and at_bootstrap["snapshot"] == first
    assert at_bootstrap["watermark"] == "2026-01-14T10:18:50.622Z"
    assert counts(after_first_window) == (0, 0, 0)


def test_no_snapshot_at_the_exports_time_is_refused_naming_the_watermarks(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=4)

    with pytest.raises(MirrorError) as refused:
        verify(spark, scenario.table, str(fresh_full(scenario, T0 + 5 * MINUTE)))

    assert "no snapshot has the watermark 2026-01-14T10:23:50.622Z" in str(refused.value)
    assert "watermarks 2026-01-14T10:18:50.622Z, 2026-01-14T10:33:50.622Z:" in str(refused.value)


def test_an_incremental_export_is_refused(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=5)

    with pytest.raises(MirrorError, match="is not a full export"):
        verify(spark, scenario.table, str(scenario.window(T0, T0 + WINDOW)))


def test_an_export_holding_a_key_twice_is_refused(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=13)
    export = fresh_full(scenario, T0 + WINDOW)
    entry = non_empty_entry(export)
    lines = data_lines(scenario.bucket, entry)
    replace_lines(scenario.bucket, export, entry["dataFileS3Key"], lines + lines[:1])

    with pytest.raises(MirrorError, match="holds 1 key.s. more than once"):
        verify(spark, scenario.table, str(export))


def test_a_key_deleted_from_the_table_is_missing(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=6)
    spark.sql(f"DELETE FROM {scenario.table} WHERE pk = 'lamp' AND sk = '7'")

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)))

    assert counts(report) == (1, 0, 0)
    assert report["sample"] == {"missing": [LAMP_KEY], "extra": [], "different": []}


def test_a_row_added_to_the_table_is_extra_and_a_copied_row_makes_its_key_different(spark, tmp_path):
    from pyspark.sql import functions as F

    scenario = mirror_with_a_window(spark, tmp_path, seed=7)
    lamp = spark.table(scenario.table).where("pk = 'lamp'")
    lamp.withColumn("pk", F.lit("stowaway")).unionByName(lamp).writeTo(scenario.table).append()

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)), sample=ALL)

    assert counts(report) == (0, 1, 1)
    assert report["sample"] == {"missing": [], "extra": [{"pk": "stowaway", "sk": "7"}], "different": [LAMP_KEY]}


def test_one_changed_attribute_makes_its_key_different(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=8)
    spark.sql(f"UPDATE {scenario.table} SET label = 'desk lamp!' WHERE pk = 'lamp'")

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)))

    assert counts(report) == (0, 0, 1) and report["sample"]["different"] == [LAMP_KEY]


def test_a_value_of_another_type_makes_its_key_different(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=9)
    spark.sql(
        f"""UPDATE {scenario.table} SET price = NULL, _unmapped = map('price', '{{"S":"9.95"}}') WHERE pk = 'lamp'"""
    )

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)))

    assert counts(report) == (0, 0, 1) and report["sample"]["different"] == [LAMP_KEY]


def test_values_kept_in_unmapped_compare_equal_to_themselves(spark, tmp_path):
    scenario, _, _ = populated_with_lamp(spark, tmp_path, seed=10)
    scenario.source.put({**LAMP, "price": {"S": "ask in store"}, "extra": {"M": {"a": {"SS": ["x", "y"]}}}}, T0 + 1)
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    (row,) = spark.table(scenario.table).where("pk = 'lamp'").select("_unmapped").collect()
    assert row[0]["price"] == '{"S":"ask in store"}'

    export = fresh_full(scenario, T0 + WINDOW)
    assert counts(verify(spark, scenario.table, str(export))) == (0, 0, 0)

    spark.sql(f"""UPDATE {scenario.table} SET _unmapped = map('price', '{{"S":"ask us"}}') WHERE pk = 'lamp'""")
    report = verify(spark, scenario.table, str(export))
    assert counts(report) == (0, 0, 1) and report["sample"]["different"] == [LAMP_KEY]


def test_a_set_stored_in_another_order_is_the_same_set(spark, tmp_path):
    scenario = mirror_with_a_window(spark, tmp_path, seed=12)
    spark.sql(f"UPDATE {scenario.table} SET colors = reverse(colors) WHERE pk = 'lamp'")

    assert counts(verify(spark, scenario.table, str(fresh_full(scenario, T0 + WINDOW)))) == (0, 0, 0)


def test_a_skipped_window_shows_exactly_the_writes_it_held(spark, tmp_path):
    scenario, factory, live = populated_with_lamp(spark, tmp_path, seed=11)
    created, deleted, updated = factory.new_item(), live[0], live[1]
    scenario.source.put(created, T0 + MINUTE)
    scenario.source.delete(keys_of(deleted), T0 + 2 * MINUTE)
    scenario.source.put(factory.update_item(updated), T0 + 3 * MINUTE)
    scenario.source.put({**LAMP, "price": {"N": "8"}}, T0 + WINDOW + MINUTE)  # in the window that is applied
    scenario.apply(scenario.window(T0 + WINDOW, T0 + 2 * WINDOW), allow_gap=True)

    report = verify(spark, scenario.table, str(fresh_full(scenario, T0 + 2 * WINDOW)), sample=ALL)

    assert counts(report) == (1, 1, 1)
    assert report["sample"] == {
        "missing": [key_of(created)],
        "extra": [key_of(deleted)],
        "different": [key_of(updated)],
    }
