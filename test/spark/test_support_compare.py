"""The mirror reader's reverse conversion and the diff: equal things pass, each kind of
difference fails with a message naming the key and attribute."""

import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest
from dynamo_local.simulated_table import SimulatedTable, key_of
from support.compare import (
    RowMeta,
    assert_mirror_matches,
    assert_write_ts,
    diff_items,
    expected_export_ids,
    expected_write_ts,
    item_from_row,
)

T = 1_768_385_930_622_000
S, LONG, BIN, BOOL = {"kind": "string"}, {"kind": "long"}, {"kind": "binary"}, {"kind": "boolean"}
DEC2 = {"kind": "decimal", "scale": 2}

COLUMNS = [
    {"attribute": "pk", "column": "pk", "type": S},
    {"attribute": "Name", "column": "name_1", "type": S},
    {"attribute": "name", "column": "name", "type": S},
    {"attribute": "qty", "column": "qty", "type": LONG},
    {"attribute": "price", "column": "price", "type": DEC2},
    {"attribute": "ratio", "column": "ratio", "type": {"kind": "double"}},
    {"attribute": "huge", "column": "huge", "type": {"kind": "number_text"}},
    {"attribute": "blob", "column": "blob", "type": BIN},
    {"attribute": "ok", "column": "ok", "type": BOOL},
    {"attribute": "tags", "column": "tags", "type": {"kind": "set", "element": S}},
    {"attribute": "nums", "column": "nums", "type": {"kind": "set", "element": LONG}},
    {"attribute": "scores", "column": "scores", "type": {"kind": "list", "element": DEC2}},
    {
        "attribute": "addr",
        "column": "addr",
        "type": {
            "kind": "struct",
            "fields": [
                {"key": "street", "name": "street", "type": S},
                {"key": "No.", "name": "no_", "type": LONG},
                {
                    "key": "geo",
                    "name": "geo",
                    "type": {"kind": "struct", "fields": [{"key": "lat", "name": "lat", "type": DEC2}]},
                },
            ],
        },
    },
    {"attribute": "attrs", "column": "attrs", "type": {"kind": "map"}},
    {"attribute": "mixed", "column": "mixed", "type": {"kind": "json"}},
]

ITEM = {
    "pk": {"S": "k1"},
    "Name": {"S": "Upper"},
    "name": {"S": "lower"},
    "qty": {"N": "-9223372036854775808"},
    "price": {"N": "12.5"},
    "ratio": {"N": "0.1"},
    "huge": {"N": "1E+125"},
    "blob": {"B": "AAEC"},
    "ok": {"BOOL": False},
    "tags": {"SS": ["b", "a"]},
    "nums": {"NS": ["3", "1"]},
    "scores": {"L": [{"N": "1.25"}, {"NULL": True}]},
    "addr": {"M": {"street": {"S": "Main"}, "No.": {"NULL": True}, "geo": {"M": {"lat": {"N": "1.5"}}}}},
    "attrs": {"M": {"color": {"S": "red"}, "n": {"N": "1.50"}, "none": {"NULL": True}, "set": {"NS": ["2", "1"]}}},
    "mixed": {
        "L": [
            {"S": "x"},
            {"N": "12345678901234567890123456789012345678"},
            {"B": "AAE="},
            {"M": {"a": {"BOOL": True}}},
            {"BS": ["AQ==", "Ag=="]},
        ]
    },
    "nulled": {"NULL": True},
    "_unmapped": {"S": "an attribute literally named _unmapped"},
    "odd": {"N": "1E-130"},
}


def plain(typed):
    """Test's own forward PLAIN JSON text encoder (numbers keep their digits)."""
    ((tag, v),) = typed.items()
    if tag in ("S", "B"):
        return json.dumps(v)
    if tag == "BOOL":
        return "true" if v else "false"
    if tag == "NULL":
        return "null"
    if tag == "N":
        return v
    if tag in ("SS", "BS"):
        return json.dumps(v)
    if tag == "NS":
        return "[" + ",".join(v) + "]"
    if tag == "L":
        return "[" + ",".join(plain(e) for e in v) + "]"
    return "{" + ",".join(f"{json.dumps(k)}:{plain(e)}" for k, e in v.items()) + "}"


def row_for(item):
    """What a correct job would write for ITEM (hand-made, not derived from compare.py)."""
    return {
        "pk": "k1",
        "name_1": "Upper",
        "name": "lower",
        "qty": -9223372036854775808,
        "price": Decimal("12.50"),
        "ratio": 0.1,
        "huge": "1E+125",
        "blob": bytearray(b"\x00\x01\x02"),
        "ok": False,
        "tags": ["a", "b"],
        "nums": [1, 3],
        "scores": [Decimal("1.25"), None],
        "addr": {"street": "Main", "no_": None, "geo": {"lat": Decimal("1.50")}},
        "attrs": {k: plain(v) for k, v in item["attrs"]["M"].items()},
        "mixed": plain(item["mixed"]),
        "_unmapped": {"_unmapped": json.dumps(item["_unmapped"]), "odd": '{"N": "1E-130"}'},
    }


def expected():
    return {key_of(ITEM, ["pk"]): ITEM}


def rebuilt(row=None):
    item = item_from_row(row or row_for(ITEM), COLUMNS)
    return {key_of(item, ["pk"]): item}


def test_a_faithful_row_matches():
    assert_mirror_matches(rebuilt(), expected(), double_attributes={"ratio"})


def test_double_needs_loose_comparison():
    exp = {k: dict(v, ratio={"N": "0.1000000000000000055511"}) for k, v in expected().items()}
    assert_mirror_matches(rebuilt(), exp, double_attributes={"ratio"})  # same double, other digits
    with pytest.raises(AssertionError, match="'ratio'"):
        assert_mirror_matches(rebuilt(), exp)
    row = row_for(ITEM)
    row["ratio"] = 0.10000001
    with pytest.raises(AssertionError, match="'ratio'"):
        assert_mirror_matches(rebuilt(row), expected(), double_attributes={"ratio"})


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("price", Decimal("12.51"), "'price'"),
        ("qty", None, "'qty': missing in mirror"),
        ("name", "LOWER", "'name'"),
        ("tags", ["a"], "'tags'"),
        ("nums", [1, 3, 4], "'nums'"),
        ("scores", [Decimal("1.25"), Decimal("0")], "'scores'[1]"),
        ("blob", bytearray(b"\x00\x01"), "'blob'"),
        ("ok", True, "'ok'"),
        ("huge", "1E+124", "'huge'"),
        ("addr", {"street": "Main", "no_": 5, "geo": {"lat": Decimal("1.5")}}, "'addr'.'No.': type differs"),
        ("addr", {"street": "Main", "no_": None, "geo": {"lat": None}}, "'lat': missing"),
        ("attrs", {"color": '"red"', "n": "1.5", "none": "null", "set": "[1,3]"}, "'set'"),
        ("attrs", {"color": '"red"', "n": "1.5", "set": "[1,2]"}, "'none': (plain JSON) missing"),
        ("attrs", {"color": "red", "n": "1.5", "none": "null", "set": "[1,2]"}, "'color'"),
        ("mixed", '["x",12345678901234567890123456789012345679,"AAE=",{"a":true},["Ag==","AQ=="]]', "'mixed'[1]"),
        ("mixed", '["x",12345678901234567890123456789012345678,"AAE=",{"a":1},["Ag==","AQ=="]]', "'a'"),
    ],
)
def test_each_difference_is_reported_by_key_and_attribute(column, value, fragment):
    row = row_for(ITEM)
    row[column] = value
    with pytest.raises(AssertionError) as e:
        assert_mirror_matches(rebuilt(row), expected(), double_attributes={"ratio"})
    assert "key ('k1',)" in str(e.value) and fragment in str(e.value), str(e.value)


def test_plain_json_sets_and_numbers_are_compared_by_value_and_order_insensitively():
    row = row_for(ITEM)
    row["mixed"] = '["x",1.2345678901234567890123456789012345678E37,"AAE=",{"a":true},["Ag==","AQ=="]]'
    row["tags"] = ["b", "a"]
    assert_mirror_matches(rebuilt(row), expected(), double_attributes={"ratio"})


def test_missing_and_extra_rows_and_type_changes():
    other = {"pk": {"S": "k2"}, "v": {"N": "1"}}
    exp = dict(expected())
    exp[("k2",)] = other
    act = rebuilt()
    diffs = diff_items(act, exp, {"ratio"})
    assert diffs == [f"key ('k2',): missing in mirror; expected item {other!r}"]
    act[("k3",)] = {"pk": {"S": "k3"}}
    act[("k1",)]["qty"] = {"S": "-9223372036854775808"}
    diffs = diff_items(act, exp, {"ratio"})
    assert len(diffs) == 3 and any("'qty': type differs" in d for d in diffs)


def test_unmapped_value_also_in_its_column_is_a_contract_violation():
    row = row_for(ITEM)
    row["_unmapped"]["price"] = '{"N": "12.5"}'
    with pytest.raises(AssertionError, match="both in its column"):
        item_from_row(row, COLUMNS)


def test_null_expected_may_be_absent_but_not_the_reverse():
    assert_mirror_matches({("a",): {"pk": {"S": "a"}}}, {("a",): {"pk": {"S": "a"}, "x": {"NULL": True}}})
    with pytest.raises(AssertionError, match="unexpected in mirror"):
        assert_mirror_matches({("a",): {"pk": {"S": "a"}, "x": {"NULL": True}}}, {("a",): {"pk": {"S": "a"}}})


def test_write_ts_and_export_id_expectations():
    t = SimulatedTable(["pk"])
    t.put({"pk": {"S": "old"}}, T - 5)
    t.put({"pk": {"S": "upd"}}, T - 4)
    t.put({"pk": {"S": "upd"}, "v": {"N": "1"}}, T)  # at the export time: in the first window
    t.put({"pk": {"S": "late"}}, T + 2000)  # after the watermark below
    wm = T + 1000
    assert expected_write_ts(t, ("old",), T, wm) == T
    assert expected_write_ts(t, ("upd",), T, wm) == T
    t.put({"pk": {"S": "upd"}, "v": {"N": "2"}}, T + 10)
    assert expected_write_ts(t, ("upd",), T, wm) == T + 10
    assert_write_ts({("old",): RowMeta(T, "f"), ("upd",): RowMeta(T + 10, "w")}, t, T, wm)
    with pytest.raises(AssertionError, match="'upd'"):
        assert_write_ts({("upd",): RowMeta(T, "f")}, t, T, wm)
    ids = expected_export_ids(t, T, "full", [(T, wm, "w1"), (wm, T + 3000, "w2")])
    assert ids == {("old",): "full", ("upd",): "w1", ("late",): "w2"}
