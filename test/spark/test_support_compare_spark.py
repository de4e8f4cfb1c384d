"""read_mirror against a real Spark + Iceberg table (local Hadoop catalog), to check the reverse
conversion on the values Spark really returns (Row structs, bytearray, Decimal, timestamps).
Runs on the suite's shared session, whose Iceberg runtime comes from the project's own cache."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest


@pytest.fixture
def support_spark(spark, tmp_path):
    """The shared session with a private catalog `support_cat`, read in a zone other than UTC."""
    spark.conf.set("spark.sql.catalog.support_cat", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.support_cat.type", "hadoop")
    spark.conf.set("spark.sql.catalog.support_cat.warehouse", (tmp_path / "support_warehouse").as_uri())
    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")  # unix_micros must not care
    yield spark
    spark.conf.set("spark.sql.session.timeZone", zone)


def test_read_mirror_rebuilds_items_and_metadata(support_spark):
    spark = support_spark
    from support.compare import assert_mirror_matches, read_mirror

    columns = [
        {"attribute": "pk", "column": "pk", "type": {"kind": "string"}},
        {"attribute": "Price", "column": "price", "type": {"kind": "decimal", "scale": 2}},
        {"attribute": "b", "column": "b", "type": {"kind": "binary"}},
        {
            "attribute": "addr",
            "column": "addr",
            "type": {
                "kind": "struct",
                "fields": [
                    {"key": "No.", "name": "no_", "type": {"kind": "long"}},
                    {"key": "tags", "name": "tags", "type": {"kind": "set", "element": {"kind": "string"}}},
                ],
            },
        },
        {"attribute": "m", "column": "m", "type": {"kind": "map"}},
    ]
    props = {
        "dynamo-iceberg-mirror.columns": json.dumps(columns),
        "dynamo-iceberg-mirror.key": json.dumps(["pk"]),
        "dynamo-iceberg-mirror.watermark": "2026-01-14T10:18:50.622Z",
    }
    props_sql = ", ".join(f"'{k}' = '{v}'" for k, v in props.items())
    spark.sql(
        "CREATE TABLE support_cat.db.m (pk string, price decimal(38,2), b binary, "
        "addr struct<no_: bigint, tags: array<string>>, m map<string,string>, "
        "_unmapped map<string,string>, _write_ts timestamp, _export_id string) USING iceberg "
        f"TBLPROPERTIES ({props_sql})"
    )
    spark.sql(
        "INSERT INTO support_cat.db.m VALUES ('a', 12.50, X'0001', named_struct('no_', 5, 'tags', array('y','x')), "
        "map('k', '[1,\"s\"]'), map('odd', '{\"N\": \"1E+125\"}'), "
        "TIMESTAMP '2026-01-14 10:18:50.622 UTC', '01768385930622-efd1a093'), "
        "('b', NULL, NULL, NULL, NULL, map(), TIMESTAMP '2026-01-14 10:18:50.623456 UTC', 'x')"
    )
    m = read_mirror(spark, "support_cat.db.m")
    assert m.key_names == ["pk"] and m.watermark_micros == 1_768_385_930_622_000
    expected = {
        ("a",): {
            "pk": {"S": "a"},
            "Price": {"N": "12.5"},
            "b": {"B": "AAE="},
            "addr": {"M": {"No.": {"N": "5"}, "tags": {"SS": ["x", "y"]}}},
            "m": {"M": {"k": {"L": [{"N": "1"}, {"S": "s"}]}}},
            "odd": {"N": "1E+125"},
        },
        ("b",): {"pk": {"S": "b"}, "addr": {"NULL": True}},
    }
    assert_mirror_matches(m.items, expected)
    assert m.meta[("a",)].write_ts_micros == 1_768_385_930_622_000
    assert m.meta[("b",)].write_ts_micros == 1_768_385_930_623_456
    assert m.meta[("a",)].export_id == "01768385930622-efd1a093"
    expected[("a",)]["Price"] = {"N": "12.51"}
    with pytest.raises(AssertionError, match="'Price'"):
        assert_mirror_matches(m.items, expected)
