"""Overlapping windows: items created and deleted inside a window have no line in it, yet must go."""

from __future__ import annotations

from harness import MINUTE, T0, Scenario

WINDOW = 15 * MINUTE


def item(name: str, value: str) -> dict:
    return {"pk": {"S": name}, "sk": {"N": "1"}, "v": {"S": value}}


def bootstrapped(spark, tmp_path) -> Scenario:
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(item("old", "a"), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    return scenario


def test_an_item_created_before_and_deleted_after_the_watermark_is_removed(spark, tmp_path):
    scenario = bootstrapped(spark, tmp_path)
    scenario.source.put(item("ghost", "b"), T0 + 10 * MINUTE)
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    scenario.source.delete({"pk": {"S": "ghost"}, "sk": {"N": "1"}}, T0 + 20 * MINUTE)

    # [T0+5m, T0+30m) starts before the watermark T0+15m; it has no line for "ghost" (created and deleted in it).
    scenario.apply(scenario.window(T0 + 5 * MINUTE, T0 + 2 * WINDOW))

    assert scenario.check(T0 + 2 * WINDOW).items.keys() == {("old", 1)}


def test_overlapping_windows_in_one_run_drop_items_created_and_deleted_in_the_later_one(spark, tmp_path):
    scenario = bootstrapped(spark, tmp_path)
    scenario.source.put(item("ghost", "b"), T0 + 10 * MINUTE)
    scenario.source.put(item("kept", "c"), T0 + 11 * MINUTE)
    first = scenario.window(T0, T0 + WINDOW)
    scenario.source.delete({"pk": {"S": "ghost"}, "sk": {"N": "1"}}, T0 + 20 * MINUTE)
    scenario.source.put(item("kept", "d"), T0 + 21 * MINUTE)

    scenario.apply(first, scenario.window(T0 + 5 * MINUTE, T0 + 2 * WINDOW))

    scenario.check(T0 + 2 * WINDOW)


def test_chained_windows_never_delete_rows_written_before_the_window(spark, tmp_path):
    scenario = bootstrapped(spark, tmp_path)
    scenario.source.put(item("early", "b"), T0 + 14 * MINUTE)
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    scenario.source.put(item("late", "c"), T0 + 16 * MINUTE)

    scenario.apply(scenario.window(T0 + WINDOW, T0 + 2 * WINDOW))

    assert scenario.check(T0 + 2 * WINDOW).items.keys() == {("old", 1), ("early", 1), ("late", 1)}
