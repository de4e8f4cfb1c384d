"""Bootstrap from a full export: every DynamoDB type, lossless, checked against the oracle."""

from __future__ import annotations

import json
import random

from harness import MINUTE, T0, Scenario
from support.items import EDGE_NUMBERS, ItemFactory

EDGE_ITEM = {
    "pk": {"S": "edge"},
    "sk": {"N": "1"},
    "max digits": {"N": "12345678901234567890.123456789012345678"},
    "tiny": {"N": "1E-130"},
    "huge": {"N": "9.9999999999999999999999999999999999999E+125"},
    "negative": {"N": "-0.5"},
    "blob": {"B": "AAEC/w=="},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "strings": {"SS": ["b", "a", "日本"]},
    "numbers": {"NS": ["1", "2.5", "-3"]},
    "blobs": {"BS": ["AA==", "AQ=="]},
    "mixed": {"L": [{"S": "a"}, {"N": "1"}, {"NULL": True}, {"M": {"x": {"BOOL": True}}}]},
    "record": {"M": {"Street": {"S": "Main"}, "no": {"N": "7"}, "deep": {"M": {"z": {"L": [{"N": "1"}]}}}}},
    "Name": {"S": "upper"},
    "name": {"S": "lower"},
    "select": {"S": "a keyword"},
    "with space.and-dash#": {"S": "odd name"},
}


def test_bootstrap_of_random_items_of_every_type_matches_the_oracle(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key=("pk", "sk"))
    factory = ItemFactory(random.Random(7), {"pk": "S", "sk": "N"})
    for offset in range(60):
        scenario.source.put(factory.new_item(), T0 - (100 - offset) * MINUTE)
    scenario.source.put(EDGE_ITEM, T0 - MINUTE)

    results = scenario.apply(scenario.full(T0, partitions=7))

    assert [r.action for r in results] == ["bootstrapped"]
    assert results[0].inserted == 61
    mirror = scenario.check(T0)
    assert {m.export_id for m in mirror.meta.values()} == {results[0].export.export_id}


def test_edge_values_keep_their_exact_values_and_types(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(EDGE_ITEM, T0 - MINUTE)
    scenario.source.put({"pk": {"S": "other"}, "sk": {"N": "2"}, "negative": {"N": "12.25"}}, T0 - MINUTE)

    scenario.apply(scenario.full(T0))

    mirror = scenario.check(T0)
    types = {c["attribute"]: c["type"] for c in mirror.columns}
    assert types["sk"] == {"kind": "number_text"}  # key numbers: canonical text, fits any future key
    assert types["negative"] == {"kind": "decimal", "scale": 2}
    assert types["blob"] == {"kind": "binary"}
    assert types["strings"] == {"kind": "set", "element": {"kind": "string"}}
    assert types["numbers"] == {"kind": "set", "element": {"kind": "decimal", "scale": 1}}
    assert types["mixed"] == {"kind": "json"}
    assert types["record"]["kind"] == "struct"
    assert "nothing" not in types  # only ever NULL: no column, and NULL reads back as absent
    row = spark.table(scenario.table).where("pk = 'edge'").first().asDict()
    # 38 significant digits fit decimal(38, 18); 1E-130 and 9.99E+125 fit no decimal(38, s): kept verbatim.
    assert str(row["max_digits"]) == "12345678901234567890.123456789012345678"
    assert json.loads(row["_unmapped"]["tiny"]) == {"N": "1E-130"}
    assert json.loads(row["_unmapped"]["huge"]) == {"N": "9.9999999999999999999999999999999999999E+125"}
    assert row["mixed"] == '["a",1,null,{"x":true}]'


def test_names_are_safe_lower_case_and_collisions_are_deterministic(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(EDGE_ITEM, T0 - MINUTE)

    scenario.apply(scenario.full(T0))

    columns = {c["attribute"]: c["column"] for c in scenario.check(T0).columns}
    assert columns["Name"] == "name"
    assert columns["name"].startswith("name_") and len(columns["name"]) == len("name_") + 8
    assert columns["select"] == "select_"
    assert columns["with space.and-dash#"] == "with_space_and_dash"
    assert set(spark.table(scenario.table).columns) >= set(columns.values())


def test_column_type_overrides_apply(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "price": {"N": "3"}, "ratio": {"N": "0.5"}}, T0 - 1)

    scenario.apply(scenario.full(T0), column_types={"price": "decimal(38,2)", "ratio": "double"})

    types = {c["attribute"]: c["type"] for c in scenario.check(T0).columns}
    assert types["price"] == {"kind": "decimal", "scale": 2}
    assert types["ratio"] == {"kind": "double"}
    assert dict(spark.table(scenario.table).dtypes)["price"] == "decimal(38,2)"


def test_numbers_pick_long_then_the_smallest_decimal_scale_that_holds_them(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    for i, text in enumerate(EDGE_NUMBERS):
        scenario.source.put({"pk": {"S": f"n{i}"}, "sk": {"N": "1"}, "value": {"N": text}}, T0 - 1)

    scenario.apply(scenario.full(T0))

    scenario.check(T0)


def test_full_export_under_a_prefix_resolves_keys_from_the_bucket_root(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, prefix="exports/orders")
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}, T0 - 1)

    export = scenario.full(T0)

    assert "exports/orders/AWSDynamoDB" in str(export)
    scenario.apply(export)
    scenario.check(T0)


def test_a_newer_full_export_rebootstraps_the_table(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "first"}}, T0 - MINUTE)
    scenario.source.put({"pk": {"S": "b"}, "sk": {"N": "1"}, "v": {"S": "gone later"}}, T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}, T0 + 50 * MINUTE)
    scenario.source.delete({"pk": {"S": "b"}, "sk": {"N": "1"}}, T0 + 51 * MINUTE)

    # As after the watermark fell out of the PITR window: a new full export, no chain of windows.
    (result,) = scenario.apply(scenario.full(T0 + 60 * MINUTE))

    assert result.action == "bootstrapped"
    scenario.check(T0 + 60 * MINUTE)
