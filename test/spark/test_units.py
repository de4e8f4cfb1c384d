"""Pure functions of the job (no Spark): planning, naming, number types, plain JSON."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from mirror_job.column_types import DecimalType, LongType
from mirror_job.columns import assign_names, base_name
from mirror_job.convert import NoFit
from mirror_job.decode import plain_json
from mirror_job.errors import MirrorError
from mirror_job.inference import STRING, AttributeStats, number_type
from mirror_job.manifest import Export
from mirror_job.plan import plan_run
from mirror_job.schema import TableSchema
from mirror_job.table import TableState

ARN = "arn:aws:dynamodb:eu-north-1:1:table/t"
W = datetime(2026, 1, 14, 10, 18, 50, 622000, tzinfo=timezone.utc)
M = timedelta(minutes=1)


def export(name: str, start: datetime, end: datetime | None = None, arn: str = ARN) -> Export:
    return Export(f"file:///b/{name}", name, arn, end is not None, start, end or start, None, 0, ())


def state(watermark: datetime = W) -> TableState:
    return TableState(TableSchema(("pk",), ()), watermark, ARN, "full", [])


def test_plan_applies_overlapping_and_skips_covered_windows_in_window_order():
    covered, overlap, next_one = (
        export("a", W - 20 * M, W),
        export("b", W - 5 * M, W + 10 * M),
        export("c", W + 10 * M, W + 25 * M),
    )
    plan = plan_run([next_one, covered, overlap], state(), allow_gap=False)
    assert [w.export_id for w in plan.windows] == ["b", "c"]
    assert [e.export_id for e, _ in plan.skipped] == ["a"]
    assert plan.watermarks == [W + 10 * M, W + 25 * M]


def test_plan_refuses_a_gap_unless_allowed_and_records_it():
    gap = export("g", W + 69 * timedelta(seconds=1), W + 15 * M)
    with pytest.raises(MirrorError, match=r"\[2026-01-14T10:18:50.622Z, 2026-01-14T10:19:59.622Z\) would be lost"):
        plan_run([gap], state(), allow_gap=False)
    plan = plan_run([gap], state(), allow_gap=True)
    assert plan.accepted_gaps == [{"from": "2026-01-14T10:18:50.622Z", "to": "2026-01-14T10:19:59.622Z", "export": "g"}]


def test_plan_bootstraps_from_the_newest_full_export_and_skips_older_ones():
    plan = plan_run([export("old", W - M), export("new", W)], None, allow_gap=False)
    assert plan.bootstrap.export_id == "new"
    assert [e.export_id for e, _ in plan.skipped] == ["old"]
    assert plan_run([export("same", W)], state(), allow_gap=False).bootstrap is None


def test_plan_refuses_exports_of_another_table():
    with pytest.raises(MirrorError, match="is an export of arn:other"):
        plan_run([export("x", W, W + M, arn="arn:other")], state(), allow_gap=False)


def test_column_names_are_safe_and_collisions_get_a_stable_hash():
    assert base_name("Order Total (€)") == "order_total"
    assert base_name("2fa") == "c_2fa"
    assert base_name("名前") == "c_"
    assert base_name("from") == "from_"
    names = assign_names(["name", "Name", "NAME"], {"_unmapped"})
    assert names["NAME"] == "name"
    assert names["Name"] != names["name"] and names["Name"].startswith("name_")
    assert assign_names(["Name"], {"name"}) == {"Name": names["Name"]}


def test_number_type_is_long_for_int64_else_the_decimal_scale_fitting_most_values():
    assert number_type(True, Counter({(0, 19): 3})) == LongType()
    assert number_type(False, Counter({(2, 3): 5, (0, 25): 1})) == DecimalType(2)
    # One 1E+125 fits no decimal(38, s) and must not push every fraction out of the column.
    assert number_type(False, Counter({(3, 1): 9, (0, 39): 1})) == DecimalType(3)


def test_conflicting_types_take_the_most_frequent_one():
    stats = AttributeStats()
    for value in ({"N": "1"}, {"S": "a"}, {"S": "b"}, {"NULL": True}):
        stats.add({"v": value})
    assert stats.dominant_shapes()["v"] == STRING


def test_decimal_conversion_is_exact_and_refuses_what_does_not_fit():
    to_decimal = DecimalType(2).value_converter()
    assert (
        str(to_decimal({"N": "123456789012345678901234567890123456.78"})) == "123456789012345678901234567890123456.78"
    )
    assert to_decimal({"NULL": True}) is None
    for misfit in ({"N": "0.001"}, {"N": "1E+36"}, {"S": "1"}):
        with pytest.raises(NoFit):
            to_decimal(misfit)


def test_plain_json_keeps_exact_digits_and_base64():
    value = {"M": {"n": {"N": "12345678901234567890.123456789012345678"}, "b": {"B": "AAE="}, "s": {"SS": ["x"]}}}
    assert plain_json(value) == '{"n":12345678901234567890.123456789012345678,"b":"AAE=","s":["x"]}'
