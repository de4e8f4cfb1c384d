"""The oracle's time semantics: full export at T = writes before T; window [from, to)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # so `support` imports however pytest is invoked

import pytest
from dynamo_local.simulated_table import SimulatedTable, key_of
from hypothesis import given, settings
from support.strategies import timelines

T = 1_768_385_930_622_000
MS = 1000


def item(pk: str, **attrs: str) -> dict:
    return {"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items()}}


def fold(state: dict, table: SimulatedTable, changes) -> dict:
    """Apply an incremental export's changes the way the mirror should."""
    out = dict(state)
    for c in changes:
        k = table.key_of(c.keys)
        if c.new_image is None:
            out.pop(k, None)
        else:
            out[k] = c.new_image
    return out


def test_full_export_time_is_exclusive():
    t = SimulatedTable(["pk"])
    t.put(item("a", v="1"), T)
    assert t.state_at(T) == {}
    assert t.state_at(T + 1) == {("a",): item("a", v="1")}


def test_window_is_start_inclusive_end_exclusive():
    t = SimulatedTable(["pk"])
    t.put(item("at-start"), T)
    t.put(item("at-end"), T + 10 * MS)
    changes = t.changes_in(T, T + 10 * MS)
    assert [c.keys for c in changes] == [{"pk": {"S": "at-start"}}]
    assert [c.keys for c in t.changes_in(T + 10 * MS, T + 11 * MS)] == [{"pk": {"S": "at-end"}}]


def test_change_holds_final_state_old_image_at_start_and_last_write_time():
    t = SimulatedTable(["pk"])
    t.put(item("a", v="old", gone="x"), T - 5)
    t.put(item("a", v="mid", gone="x"), T + 1)
    t.put(item("a", v="new"), T + 2)  # an update that removes `gone`
    (c,) = t.changes_in(T, T + MS)
    assert c.old_image == item("a", v="old", gone="x")
    assert c.new_image == item("a", v="new")
    assert "gone" not in c.new_image
    assert c.write_ts_micros == T + 2


def test_created_and_deleted_inside_window_is_not_emitted():
    t = SimulatedTable(["pk"])
    t.put(item("tmp"), T + 1)
    t.delete({"pk": {"S": "tmp"}}, T + 2)
    assert t.changes_in(T, T + MS) == []
    assert len(t.changes_in(T, T + 2)) == 1  # before the delete it is an insert


def test_delete_of_existing_item_has_old_image_and_no_new_image():
    t = SimulatedTable(["pk"])
    t.put(item("a", v="1"), T - 1)
    t.delete({"pk": {"S": "a"}}, T + 3)
    (c,) = t.changes_in(T, T + MS)
    assert c.new_image is None and c.old_image == item("a", v="1") and c.write_ts_micros == T + 3


def test_deleted_and_recreated_inside_window_is_an_update():
    t = SimulatedTable(["pk"])
    t.put(item("a", v="1"), T - 1)
    t.delete({"pk": {"S": "a"}}, T + 1)
    t.put(item("a", v="2"), T + 2)
    (c,) = t.changes_in(T, T + MS)
    assert c.old_image == item("a", v="1") and c.new_image == item("a", v="2")


def test_delete_of_unknown_key_is_not_a_write():
    t = SimulatedTable(["pk"])
    assert t.delete({"pk": {"S": "nobody"}}, T) is False
    assert t.changes_in(T - MS, T + MS) == [] and t.all_write_times() == []


def test_writes_to_one_key_must_move_forward():
    t = SimulatedTable(["pk"])
    t.put(item("a"), T)
    with pytest.raises(ValueError):
        t.put(item("a"), T)
    t.put(item("b"), T - 5)  # other keys are independent


def test_number_and_binary_keys_compare_by_value():
    assert key_of({"n": {"N": "1.0"}}, ["n"]) == key_of({"n": {"N": "1"}}, ["n"])
    assert key_of({"b": {"B": "AAE="}}, ["b"]) == (b"\x00\x01",)
    t = SimulatedTable(["pk", "sk"])
    t.put({"pk": {"S": "x"}, "sk": {"N": "10"}}, T)
    t.put({"pk": {"S": "x"}, "sk": {"N": "1E+1"}, "v": {"BOOL": True}}, T + 1)
    assert len(t.state_at(T + 2)) == 1


def test_returned_items_are_copies():
    t = SimulatedTable(["pk"])
    it = item("a", v="1")
    t.put(it, T)
    it["v"]["S"] = "changed"
    t.state_at(T + 1)[("a",)]["v"]["S"] = "changed too"
    assert t.state_at(T + 1)[("a",)] == item("a", v="1")


@settings(max_examples=60, deadline=None)
@given(timelines(key_schema={"pk": "S", "sk": "N"}))
def test_full_export_plus_chained_windows_reproduce_the_table(tl):
    table = tl.table()
    state = table.state_at(tl.full_export_micros)
    for start, end in tl.windows:
        state = fold(state, table, table.changes_in(start, end))
        assert state == table.state_at(end)


def test_overlapping_window_leaves_a_ghost_of_an_item_created_before_w_and_deleted_after():
    """Counterexample to design.md step 4 ("a window may be applied whenever start <= W < end"):
    an item created in [start, W) and deleted in [W, end) is in the table at W, but the export of
    [start, end) has no line for it (created and deleted inside the window), so it survives."""
    t = SimulatedTable(["pk"])
    t.put(item("ghost"), T + 1)
    t.delete({"pk": {"S": "ghost"}}, T + 3)
    w = T + 2
    assert t.changes_in(T, T + MS) == []
    assert fold(t.state_at(w), t, t.changes_in(T, T + MS)) == {("ghost",): item("ghost")}
    assert t.state_at(T + MS) == {}
