"""The column type classes: their JSON form is the text existing tables hold in their columns property and the
JVM reader reads, so it must stay exactly the dicts the job wrote before the types were classes."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from mirror_job.column_types import (
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
from mirror_job.convert import NoFit
from mirror_job.inference import BINARY, MIXED_LIST, STRING, ListShape, MapShape, NumberShape, merge, observe
from mirror_job.schema import Column, TableSchema

NESTED = StructType(
    (
        StructField("No.", "no_", SetType(LongType())),
        StructField("tags", "tags", ListType(StructType((StructField("X", "x", DecimalType(0)),)))),
    )
)
# One instance of every class, each with its JSON form as the job wrote it when types were plain dicts.
EVERY_TYPE = [
    (StringType(), {"kind": "string"}),
    (NumberTextType(), {"kind": "number_text"}),
    (JsonType(), {"kind": "json"}),
    (LongType(), {"kind": "long"}),
    (DoubleType(), {"kind": "double"}),
    (DecimalType(2), {"kind": "decimal", "scale": 2}),
    (BinaryType(), {"kind": "binary"}),
    (BooleanType(), {"kind": "boolean"}),
    (MapType(), {"kind": "map"}),
    (SetType(StringType()), {"kind": "set", "element": {"kind": "string"}}),
    (ListType(DecimalType(38)), {"kind": "list", "element": {"kind": "decimal", "scale": 38}}),
    (
        NESTED,
        {
            "kind": "struct",
            "fields": [
                {"key": "No.", "name": "no_", "type": {"kind": "set", "element": {"kind": "long"}}},
                {
                    "key": "tags",
                    "name": "tags",
                    "type": {
                        "kind": "list",
                        "element": {
                            "kind": "struct",
                            "fields": [{"key": "X", "name": "x", "type": {"kind": "decimal", "scale": 0}}],
                        },
                    },
                },
            ],
        },
    ),
]


def test_every_column_type_class_has_a_json_form_here():
    def subclasses(cls):
        return {cls} | {s for sub in cls.__subclasses__() for s in subclasses(sub)}

    types = {cls for cls in subclasses(ColumnType) if "kind" in vars(cls)}  # not the bases they share
    assert {type(t) for t, _ in EVERY_TYPE} == types


@pytest.mark.parametrize(("column_type", "form"), EVERY_TYPE, ids=[f["kind"] for _, f in EVERY_TYPE])
def test_the_json_form_is_the_old_dict_and_reads_back_as_the_same_type(column_type, form):
    assert column_type.to_json() == form
    assert json.dumps(column_type.to_json()) == json.dumps(form)  # key order too: the stored text must not change
    assert ColumnType.from_json(form) == column_type
    assert ColumnType.from_json(json.loads(json.dumps(column_type.to_json()))) == column_type


def test_the_columns_property_text_is_unchanged():
    text = (
        '[{"attribute":"pk","column":"pk","type":{"kind":"number_text"}},'
        '{"attribute":"Größe","column":"grosse","type":{"kind":"set","element":{"kind":"decimal","scale":3}}},'
        '{"attribute":"r","column":"r","type":{"kind":"struct","fields":[{"key":"a b","name":"a_b","type":'
        '{"kind":"list","element":{"kind":"map"}}}]}}]'
    )
    schema = TableSchema.from_json(["pk"], text)
    assert schema.columns[1] == Column("Größe", "grosse", SetType(DecimalType(3)))
    assert schema.to_json() == text


def test_an_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        ColumnType.from_json({"kind": "float"})


def test_each_type_converts_only_values_of_its_dynamodb_type():
    cases = [
        (StringType(), {"S": "x"}, "x", {"N": "1"}),
        (NumberTextType(), {"N": "1.50E+2"}, "150", {"S": "1"}),
        (JsonType(), {"L": [{"N": "1.0"}, {"S": "a"}]}, '[1.0,"a"]', {"S": "[]"}),
        (LongType(), {"N": "-9223372036854775808"}, -(2**63), {"N": "9223372036854775808"}),
        (DoubleType(), {"N": "0.5"}, 0.5, {"S": "0.5"}),
        (BinaryType(), {"B": "AAE="}, b"\x00\x01", {"S": "AAE="}),
        (BooleanType(), {"BOOL": False}, False, {"S": "false"}),
        (MapType(), {"M": {"n": {"N": "2"}}}, {"n": "2"}, {"L": []}),
        (SetType(BinaryType()), {"BS": ["AQ=="]}, [b"\x01"], {"SS": ["AQ=="]}),
        (SetType(DecimalType(1)), {"NS": ["1.5"]}, [Decimal("1.5")], {"NS": ["1.55"]}),
        (ListType(LongType()), {"L": [{"N": "1"}, {"NULL": True}]}, [1, None], {"L": [{"S": "1"}]}),
        (NESTED, {"M": {"No.": {"NS": ["2"]}, "y": {"NULL": True}}}, ([2], None), {"M": {"y": {"S": "?"}}}),
    ]
    for column_type, value, expected, misfit in cases:
        convert = column_type.value_converter()
        assert convert(value) == expected, column_type
        assert convert({"NULL": True}) is None
        with pytest.raises(NoFit):
            convert(misfit)


def test_shapes_merge_into_the_column_types_of_the_readme():
    def column_type(*values):
        shapes = [observe(v) for v in values]
        merged = shapes[0]
        for shape in shapes[1:]:
            merged = merge(merged, shape)
        return merged.column_type(lambda keys: {k: k.lower() for k in keys})

    assert column_type({"N": "1"}, {"N": "2.25"}) == DecimalType(2)
    assert column_type({"L": []}, {"L": [{"S": "a"}]}) == ListType(StringType())
    assert column_type({"L": [{"S": "a"}, {"N": "1"}]}) == JsonType()
    assert column_type({"M": {"B": {"NULL": True}}}, {"M": {"A": {"BS": ["AQ=="]}}}) == StructType(
        (StructField("A", "a", SetType(BinaryType())),)
    )
    assert column_type({"M": {"A": {"S": "x"}}}, {"M": {"A": {"N": "1"}}}) == MapType()
    assert merge(STRING, BINARY) is None
    assert merge(ListShape(STRING), MIXED_LIST) == MIXED_LIST
    assert observe({"NS": ["1", "0.5"]}) == NumberShape("NS", False, Counter({(0, 1): 1, (1, 0): 1}))
    assert observe({"M": {"a": {"L": []}}}) == MapShape({"a": ListShape(None)})
