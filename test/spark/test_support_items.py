"""The item generators cover every type and stay inside DynamoDB's limits."""

import base64
import json
import random
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from hypothesis import given, settings
from support.items import ItemFactory, random_value
from support.strategies import MS, operations, timelines


def walk(typed, out: Counter):
    ((tag, v),) = typed.items()
    out[tag] += 1
    if tag == "L":
        for e in v:
            walk(e, out)
    elif tag == "M":
        for e in v.values():
            walk(e, out)
    return out


def significant_digits(d: Decimal) -> int:
    return len("".join(map(str, d.as_tuple().digits)).strip("0")) or 1


def check_value(typed) -> None:
    """DynamoDB's own rules for a value."""
    ((tag, v),) = typed.items()
    if tag == "N":
        d = Decimal(v)
        # copy_abs and as_tuple are exact; abs() and normalize() would round to 28 digits.
        assert d == 0 or Decimal("1E-130") <= d.copy_abs() <= Decimal("9.9999999999999999999999999999999999999E+125"), v
        assert significant_digits(d) <= 38, v
    elif tag == "B":
        base64.b64decode(v, validate=True)
    elif tag in ("SS", "NS", "BS"):
        assert v, "sets are non-empty"
        norm = {"SS": str, "NS": Decimal, "BS": base64.b64decode}[tag]
        assert len({norm(e) for e in v}) == len(v), f"duplicate in {typed}"
        if tag == "NS":
            for e in v:
                check_value({"N": e})
    elif tag == "L":
        for e in v:
            check_value(e)
    elif tag == "M":
        for e in v.values():
            check_value(e)
    elif tag == "NULL":
        assert v is True
    elif tag == "BOOL":
        assert isinstance(v, bool)
    else:
        assert tag == "S" and isinstance(v, str)


def test_factory_covers_every_type_and_awkward_names():
    tags: Counter = Counter()
    names = set()
    numbers = set()
    for seed in range(20):
        f = ItemFactory(random.Random(seed), {"pk": "S", "sk": "N"})
        for _ in range(30):
            it = f.new_item()
            json.dumps(it)
            names |= set(it)
            for v in it.values():
                check_value(v)
                walk(v, tags)
                if "N" in v:
                    numbers.add(v["N"])
    assert set(tags) == {"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}
    assert {"Name", "name", "_unmapped", "select", "a.b", "first name"} <= names
    assert {"9223372036854775807", "-9223372036854775808", "1E-130"} & numbers
    assert any(significant_digits(Decimal(n)) == 38 for n in numbers)


def test_random_values_respect_dynamodb_rules():
    rng = random.Random(7)
    for _ in range(2000):
        check_value(random_value(rng))


def test_mutations_keep_the_key_and_do_what_they_say():
    f = ItemFactory(random.Random(3), {"pk": "S"})
    for _ in range(50):
        it = f.new_item()
        smaller = f.remove_attributes(it, 2)
        assert smaller["pk"] == it["pk"] and set(smaller) < set(it) or len(it) <= 1
        bigger = f.add_attributes(it, 2)
        assert set(it) < set(bigger) and len(bigger) == len(it) + 2
        changed = f.change_type(it)
        diff = [a for a in changed if a not in it or next(iter(changed[a])) != next(iter(it[a]))]
        assert len(diff) >= 1 and "pk" not in diff


def test_record_like_maps_keep_stable_keys():
    f = ItemFactory(random.Random(11), {"pk": "S"}, n_attributes=30)
    records = [n for n, k in f.schema.items() if k.name.startswith("record")]
    assert records
    items = [f.new_item() for _ in range(40)]
    for name in records:
        keys = set()
        for it in items:
            if name in it and "M" in it[name]:
                keys |= set(it[name]["M"])
        assert len(keys) <= 10


@settings(max_examples=50, deadline=None)
@given(operations({"pk": "S"}, max_ops=25))
def test_operations_have_increasing_millisecond_times(ops):
    times = [op.ts_micros for op in ops]
    assert times == sorted(set(times)) and all(t % MS == 0 for t in times)
    for op in ops:
        assert (op.item is None) != (op.key is None)


@settings(max_examples=50, deadline=None)
@given(timelines({"pk": "S"}))
def test_timeline_windows_are_chained_and_cover_every_write(tl):
    assert all(a < b for a, b in tl.windows)
    assert all(w1[1] == w2[0] for w1, w2 in zip(tl.windows, tl.windows[1:]))
    if tl.windows:
        assert tl.windows[0][0] == tl.full_export_micros
    end = tl.windows[-1][1] if tl.windows else tl.full_export_micros
    assert tl.ops[-1].ts_micros < end or not tl.windows and tl.ops[-1].ts_micros >= tl.full_export_micros
