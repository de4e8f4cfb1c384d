"""The JVM reader against the Python reader it follows: the same type statistics and the same rows, value
for value, on exports of random items of every type (windows with type drift and deletes included); and
runs it passes over (faults, and values it does not reproduce) are read by the Python reader instead."""

from __future__ import annotations

import random

import pytest
from harness import MINUTE, T0, Scenario
from mirror_job.errors import MirrorError
from mirror_job.manifest import read_export
from mirror_job.reader import RunFiles, change_rows, learn_types, python_change_rows, python_learn_types, run_action
from mirror_job.schema import empty_schema
from mirror_job.storage import Storage
from mirror_job.table import load_state
from support.items import EDGE_NUMBERS, UNICODE_SAMPLES, ItemFactory

pytestmark = pytest.mark.spark


def _exports(spark, *locations):
    return [read_export(Storage(spark), str(location)) for location in locations]


def read_mirror_schema(spark, table: str):
    state = load_state(spark, table)
    assert state is not None
    return state.schema


def _rows(frame) -> list[str]:
    return sorted(repr(_canonical(row)) for row in frame.collect())


def _canonical(value):
    """A row's values with map entries sorted: a map has no order (the Python reader's come back hashed)."""
    if isinstance(value, dict):
        return sorted((key, _canonical(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):  # a Row is a tuple
        return [_canonical(item) for item in value]
    return value


def assert_readers_agree(spark, exports, key) -> None:
    run = RunFiles(exports)
    survey = learn_types(spark, run, key)
    assert survey.jvm, "the JVM reader passed over a run it should read"
    python_stats = python_learn_types(spark, run, key)
    assert survey.stats.families == python_stats.families
    schema, _ = empty_schema(key).extended(python_stats, {})
    assert _rows(change_rows(spark, run, schema, survey)) == _rows(python_change_rows(spark, run, schema))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_readers_agree_on_random_items_windows_type_drift_and_deletes(spark, tmp_path, seed):
    rng = random.Random(seed)
    scenario = Scenario(spark, tmp_path, key=("pk", "sk"))
    factory = ItemFactory(rng, {"pk": "S", "sk": "N"}, n_attributes=18)
    items = [factory.new_item() for _ in range(80)]
    for offset, item in enumerate(items):
        scenario.source.put(item, T0 - (200 - offset) * MINUTE)
    full = scenario.full(T0, partitions=3)
    for step, item in enumerate(items[:40]):
        at = T0 + (step + 1) * 10_000_000
        change = step % 4
        if change == 0:
            scenario.source.put(factory.change_type(dict(item)), at)
        elif change == 1:
            scenario.source.delete({"pk": item["pk"], "sk": item["sk"]}, at)
        elif change == 2:
            scenario.source.put(factory.add_attributes(factory.update_item(dict(item)), 2), at)
        else:
            scenario.source.put(factory.new_item(), at)
    windows = [scenario.window(T0, T0 + 20 * 10_000_000), scenario.window(T0 + 20 * 10_000_000, T0 + 41 * 10_000_000)]

    assert_readers_agree(spark, _exports(spark, full, *windows), ["pk", "sk"])


def test_the_readers_agree_on_edge_numbers_texts_and_binary_keys(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key=("pk", "sk"))
    for n, number in enumerate(EDGE_NUMBERS + ["1.500", "1e5", "+7", ".25", "5.", "0e-7", "0E+3", "00012"]):
        scenario.source.put(
            {
                "pk": {"B": f"AAEC/{n:03d}"[:8]},
                "sk": {"N": number},
                "n": {"N": number},
                "text": {"S": UNICODE_SAMPLES[n % len(UNICODE_SAMPLES)]},
                "numbers": {"NS": [number, str(n)]},
                "nested": {"M": {"n": {"N": number}, "s": {"SS": ["a", UNICODE_SAMPLES[n % len(UNICODE_SAMPLES)]]}}},
            },
            T0 - MINUTE,
        )

    assert_readers_agree(spark, _exports(spark, scenario.full(T0, partitions=2)), ["pk", "sk"])


def test_a_run_with_values_the_jvm_reader_does_not_reproduce_is_read_in_python_and_matches_the_oracle(spark, tmp_path):
    # Python keeps a negative zero's sign (a double column holds -0.0, plain JSON "-0"); BigDecimal has none.
    scenario = Scenario(spark, tmp_path, key=("pk",))
    scenario.source.put({"pk": {"S": "a"}, "zero": {"N": "-0"}, "list": {"L": [{"N": "-0.0"}]}}, T0 - MINUTE)
    scenario.source.put({"pk": {"S": "b"}, "zero": {"N": "1.5"}, "list": {"L": [{"S": "x"}]}}, T0 - MINUTE)
    full = scenario.full(T0)

    assert not learn_types(spark, RunFiles(_exports(spark, full)), ["pk"]).jvm
    scenario.apply(full, column_types={"zero": "double"})
    scenario.check(T0)


def test_a_key_value_that_fits_no_key_column_is_named_by_file_and_line_as_the_python_reader_words_it(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key=("pk", "sk"))
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}}, T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put({"pk": {"S": "a"}, "sk": {"S": "not a number"}}, T0 + MINUTE)
    window = scenario.window(T0, T0 + 2 * MINUTE)
    exports = _exports(spark, window)
    schema = read_mirror_schema(spark, scenario.table)
    survey = learn_types(spark, RunFiles(exports), ["pk", "sk"])
    assert survey.jvm

    def failure(read) -> str:
        with pytest.raises(MirrorError) as raised:
            run_action(lambda: read().collect())
        return str(raised.value)

    jvm = failure(lambda: change_rows(spark, RunFiles(exports), schema, survey))
    python = failure(lambda: python_change_rows(spark, RunFiles(exports), schema))
    assert jvm == python
    expected = "key attribute 'sk' has value {\"S\":\"not a number\"} that does not fit its column's type"
    assert jvm.endswith(f": line 1: {expected}")
    assert any(f"{data_file.uri}: line 1:" in jvm for data_file in exports[0].data_files if data_file.item_count)
