"""Names and types that must fit Glue: column names of 1-255 characters, column types of 131072 at most.

DynamoDB attribute names may be up to 64 KB, and even a key attribute name of 255 bytes can normalise to
more than 255 characters (NFKD turns `㎯` into `rad∕s2`); a name Glue refuses fails every commit.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from harness import T0, Scenario
from mirror_job.column_types import (
    MAX_GLUE_TYPE,
    BinaryType,
    BooleanType,
    ColumnType,
    DecimalType,
    DoubleType,
    JsonType,
    ListType,
    LongType,
    MapType,
    NumberTextType,
    SetType,
    StringType,
    StructField,
    StructType,
)
from mirror_job.columns import MAX_NAME, assign_names, base_name, normalised
from mirror_job.inference import AttributeStats
from mirror_job.schema import TableSchema

LONG = "Long Attribute " * 20  # 300 characters
KEY = "㎯" * 85  # 255 bytes of UTF-8, the most DynamoDB allows for a key attribute name; 425 when normalised
WIDE = {f"{i:02d}" + "f" * 250: {"M": {f"{j:02d}" + "g" * 250: {"N": "1"} for j in range(16)}} for i in range(32)}


def sha8(attribute: str) -> str:
    return hashlib.sha1(attribute.encode("utf-8")).hexdigest()[:8]


def test_names_up_to_255_characters_are_kept_and_longer_ones_are_cut_with_the_hash():
    assert base_name("a" * 255) == "a" * 255
    assert base_name("a" * 256) == "a" * 246 + "_" + sha8("a" * 256)
    # The cut lands on a `_`: it is dropped rather than doubled before the hash.
    assert base_name("a" * 245 + " " + "b" * 20) == "a" * 245 + "_" + sha8("a" * 245 + " " + "b" * 20)
    assert base_name(KEY) == ("rads2" * 50)[:246] + "_" + sha8(KEY)


def test_long_names_sharing_their_start_stay_apart_and_within_the_limit():
    attributes = [LONG, LONG + "a", LONG + "b", LONG.upper()]
    names = assign_names(attributes, {"_unmapped"})

    assert len(set(names.values())) == 4
    assert all(len(n) <= MAX_NAME for n in names.values())
    assert all(names[a] == base_name(a) for a in attributes)  # distinct hashes: no collision rule needed
    assert assign_names(reversed(attributes), {"_unmapped"}) == names


def test_a_taken_name_ending_in_a_hash_still_gets_a_unique_name_within_the_limit():
    # An attribute whose plain name is the cut name of a long one, named first (stored by an earlier run).
    taken = {base_name(LONG)}
    (name,) = assign_names([LONG], taken).values()
    assert name == normalised(LONG)[:244] + "_" + sha8(LONG) + "_2"
    assert len(name) <= MAX_NAME
    # The same for short names: `name_<hash of Name>` already taken by an attribute named so.
    taken = {"name", f"name_{sha8('Name')}"}
    assert assign_names(["Name"], taken) == {"Name": f"name_{sha8('Name')}_2"}
    assert len(taken) == 3


def test_hashed_names_of_names_near_the_limit_are_cut_to_fit():
    taken = {"a" * 250}
    (name,) = assign_names(["A" * 250], taken).values()
    assert name == "a" * 246 + "_" + sha8("A" * 250)


def test_glue_type_strings_are_the_ones_spark_and_iceberg_write():
    column_type = StructType(
        (
            StructField("a", "a", LongType()),
            StructField("b", "b", SetType(DecimalType(3))),
            StructField("c", "c", ListType(MapType())),
            StructField("d", "d", NumberTextType()),
            StructField("e", "e", BinaryType()),
            StructField("f", "f", BooleanType()),
            StructField("g", "g", DoubleType()),
            StructField("h", "h", JsonType()),
            StructField("i", "i", StringType()),
        )
    )
    assert column_type.glue_type() == column_type.spark_type().simpleString()


def test_a_column_whose_glue_type_would_be_too_long_is_json():
    stats = AttributeStats()
    stats.add({"pk": {"S": "a"}, "wide": {"M": WIDE}, "narrow": {"M": {"x" * 300: {"S": "v"}}}})

    schema, _ = TableSchema(("pk",), ()).extended(stats, {})

    types = {c.attribute: c.type for c in schema.columns}
    assert types["wide"] == JsonType()
    narrow = types["narrow"]
    assert isinstance(narrow, StructType) and narrow.fields[0].name == base_name("x" * 300)
    assert all(t.fits_glue() for t in types.values())


def test_the_too_long_guard_is_not_overcautious():
    # The same nesting with half the fields fits, and keeps its struct.
    half = dict(list(WIDE.items())[:16])
    stats = AttributeStats()
    stats.add({"pk": {"S": "a"}, "wide": {"M": half}})

    schema, _ = TableSchema(("pk",), ()).extended(stats, {})

    assert isinstance(schema.columns[1].type, StructType)


def test_long_attribute_names_through_the_job_fit_glue_and_match_the_oracle(spark, tmp_path):
    def run(root):
        scenario = Scenario(spark, root, key=(KEY, "sk"))
        for i in range(3):
            scenario.source.put(
                {
                    KEY: {"S": f"k{i}"},
                    "sk": {"N": str(i)},
                    LONG: {"S": f"long {i}"},
                    LONG + "a": {"N": str(i)},
                    LONG + "b": {"BOOL": i % 2 == 0},
                    "record": {"M": {LONG: {"S": "nested"}, LONG + "!": {"N": "2.5"}}},
                    "wide": {"M": WIDE},
                },
                T0 - 1000 + i,
            )
        scenario.apply(scenario.full(T0))
        return scenario, scenario.check(T0)  # values equal the oracle, read through the columns property

    scenario, mirror = run(tmp_path / "first")
    _, again = run(tmp_path / "second")

    names = [c["column"] for c in mirror.columns]
    assert len(names) == len(set(names)) and all(1 <= len(n) <= MAX_NAME for n in names)
    assert mirror.columns == again.columns  # deterministic: the same attributes get the same names and types
    table = spark.table(scenario.table)
    assert all(len(f.name) <= MAX_NAME for f in table.schema.fields)
    types = {c["attribute"]: c["type"] for c in mirror.columns}
    fields = [f["name"] for f in types["record"]["fields"]]
    assert len(set(fields)) == 2 and all(len(f) <= MAX_NAME for f in fields)
    assert types["wide"] == {"kind": "json"}
    assert all(len(ColumnType.from_json(t).glue_type()) <= MAX_GLUE_TYPE for t in types.values())
    assert Counter(len(n) for n in names if n.startswith("long_attribute"))[MAX_NAME] == 3
