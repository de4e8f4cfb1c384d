"""A declared key that is not the source table's key is refused before anything is committed.

The source table here is keyed (pk, sk); the mirror is declared with the partition key alone, as a user
who forgets the sort key would (`--key pk`, or an imported table without `sortKeyName`).
"""

from __future__ import annotations

import gzip
import json

import pytest
from harness import MINUTE, T0, Scenario
from mirror_job.errors import MirrorError
from mirror_job.key_check import key_text
from mirror_job.merge import apply_exports
from mirror_job.table import load_state

WINDOW = 15 * MINUTE


def item(pk: str, sk: str, v: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"N": sk}, "v": {"S": v}}


def apply_with_key(scenario: Scenario, key: list[str], *exports):
    return apply_exports(scenario.spark, scenario.table, key, [str(e) for e in exports])


def untouched(scenario: Scenario, before, rows: int) -> None:
    assert scenario.snapshot() == before
    assert scenario.spark.table(scenario.table).count() == rows


@pytest.fixture
def unique_partition_keys(spark, tmp_path):
    """A (pk, sk) table whose items happen to have distinct pk values, mirrored with --key pk."""
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(item("a", "1", "first"), T0 - 2 * MINUTE)
    scenario.source.put(item("b", "1", "second"), T0 - MINUTE)
    apply_with_key(scenario, ["pk"], scenario.full(T0))
    return scenario


def test_a_full_export_with_two_items_under_one_declared_key_is_refused(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    for n, (pk, sk) in enumerate([("a", "1"), ("a", "2"), ("b", "1")]):
        scenario.source.put(item(pk, sk, str(n)), T0 - (3 - n) * MINUTE)
    export = scenario.full(T0, partitions=2)
    with pytest.raises(MirrorError) as refused:
        apply_with_key(scenario, ["pk"], export)
    message = str(refused.value)
    assert 'two items have the key pk={"S": "a"}, but a DynamoDB key is unique: the declared key (pk)' in message
    assert message.count(".json.gz: line ") == 2  # both items named by file and line
    assert load_state(spark, scenario.table) is None  # no table was created


def test_a_newer_full_export_with_duplicate_keys_leaves_the_table_untouched(unique_partition_keys):
    scenario = unique_partition_keys
    before = scenario.snapshot()
    scenario.source.put(item("a", "2", "same pk"), T0 + MINUTE)
    with pytest.raises(MirrorError, match=r'two items have the key pk=\{"S": "a"\}.*declared key \(pk\)'):
        apply_with_key(scenario, ["pk"], scenario.full(T0 + WINDOW))
    untouched(scenario, before, rows=2)


def test_a_window_whose_keys_name_another_key_is_refused(unique_partition_keys):
    scenario = unique_partition_keys
    before = scenario.snapshot()
    scenario.source.put(item("c", "1", "new"), T0 + MINUTE)
    window = scenario.window(T0, T0 + WINDOW, partitions=1)
    with pytest.raises(MirrorError) as refused:
        apply_with_key(scenario, ["pk"], window)
    message = str(refused.value)
    assert ".json.gz: line 1: its Keys hold the key (pk, sk) but the declared key is (pk)" in message
    assert "e.g. --key pk,sk" in message
    untouched(scenario, before, rows=2)


def test_a_window_with_a_bootstrap_in_one_run_creates_nothing_when_its_keys_disagree(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(item("a", "1", "first"), T0 - MINUTE)
    full = scenario.full(T0)
    scenario.source.put(item("a", "1", "changed"), T0 + MINUTE)
    with pytest.raises(MirrorError, match=r"its Keys hold the key \(pk, sk\) but the declared key is \(pk\)"):
        apply_with_key(scenario, ["pk"], full, scenario.window(T0, T0 + WINDOW))
    assert load_state(spark, scenario.table) is None


def test_keys_with_an_attribute_the_declared_key_lacks_are_refused_too(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key=("pk",))  # the source is keyed by pk alone
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}}, T0 - MINUTE)
    apply_with_key(scenario, ["pk", "sk"], scenario.full(T0))
    before = scenario.snapshot()
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}, T0 + MINUTE)
    with pytest.raises(MirrorError, match=r"its Keys hold the key \(pk\) but the declared key is \(pk, sk\)"):
        apply_with_key(scenario, ["pk", "sk"], scenario.window(T0, T0 + WINDOW))
    untouched(scenario, before, rows=1)


def test_a_full_export_item_without_a_declared_key_attribute_is_refused(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key=("pk",))
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}}, T0 - 2 * MINUTE)
    scenario.source.put({"pk": {"S": "b"}}, T0 - MINUTE)
    export = scenario.full(T0, partitions=1)
    (data,) = [p for p in (export / "data").iterdir() if p.stat().st_size]
    lines = gzip.decompress(data.read_bytes()).splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "sk" not in json.loads(text)["Item"])
    with pytest.raises(MirrorError, match=rf"{data.name}: line {line}: key attribute 'sk' is missing or not of type S"):
        apply_with_key(scenario, ["pk", "sk"], export)
    assert load_state(spark, scenario.table) is None


def test_a_window_on_a_table_declared_with_its_real_key_is_applied(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(item("a", "1", "first"), T0 - 2 * MINUTE)
    scenario.source.put(item("a", "2", "second"), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put(item("a", "3", "third"), T0 + MINUTE)
    scenario.source.delete({"pk": {"S": "a"}, "sk": {"N": "1"}}, T0 + 2 * MINUTE)
    scenario.apply(scenario.window(T0, T0 + WINDOW))
    scenario.check(T0 + WINDOW)


def test_equal_numbers_are_one_key_whatever_their_text():
    assert key_text({"pk": {"N": "1.50"}}, ["pk"]) == key_text({"pk": {"N": "15E-1"}}, ["pk"])
    assert key_text({"pk": {"N": "1"}}, ["pk"]) != key_text({"pk": {"S": "1"}}, ["pk"])
