"""Hostile input and DynamoDB's own limits, through the real job: exact, or refused by name with nothing committed.

Bad exports (broken files, lying manifests, the wrong kind or table of export) must raise a MirrorError naming
the file (and the line, when one line is at fault) and leave the table as it was: same snapshots, same
watermark, or no table at all when the run was to create it. Values at DynamoDB's limits must come back
exactly, checked against expectations written here from DynamoDB's rules and the README's type mapping, not
read back from the job's code. A fuzz test mutates real-format lines: mirrored exactly, or refused by line.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from dynamo_local.exports import ExportWriter
from harness import MINUTE, T0, TABLE_ARN, Scenario
from hypothesis import HealthCheck, event, given, settings
from mirror_job.errors import MirrorError
from mirror_job.table import load_state
from support.export_edits import (
    data_lines,
    data_path,
    manifest_entries,
    non_empty_entry,
    replace_data,
    replace_lines,
    write_manifest,
    write_summary,
)
from support.line_mutations import cases, edit_line

WINDOW = 15 * MINUTE
OTHER_ARN = "arn:aws:dynamodb:eu-north-1:123456789123:table/other"


def item(pk: str, v: object = "x", sk: str = "1") -> dict:
    return {"pk": {"S": pk}, "sk": {"N": sk}, "v": {"S": str(v)}}


@pytest.fixture
def bootstrapped(spark, tmp_path):
    """A mirror bootstrapped at T0 and changes inside the window [T0, T0 + WINDOW)."""
    scenario = Scenario(spark, tmp_path)
    for n in range(3):
        scenario.source.put(item(f"k{n}", n), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put(item("k9", "new"), T0 + MINUTE)
    scenario.source.put(item("k0", "changed"), T0 + 2 * MINUTE)
    return scenario


def fresh(spark, root: Path, items: int = 3) -> Scenario:
    scenario = Scenario(spark, root)
    for n in range(items):
        scenario.source.put(item(f"k{n}", n), T0 - MINUTE)
    return scenario


def refused_untouched(scenario: Scenario, *exports, match: str) -> MirrorError:
    """The run raises a MirrorError matching `match`; the table's snapshots and watermark did not move."""
    before = scenario.snapshot()
    with pytest.raises(MirrorError, match=match) as error:
        scenario.apply(*exports)
    assert scenario.snapshot() == before
    scenario.check(T0)
    return error.value


def refused_no_table(scenario: Scenario, *exports, match: str) -> MirrorError:
    """The run raises a MirrorError matching `match` and created no table."""
    with pytest.raises(MirrorError, match=match) as error:
        scenario.apply(*exports)
    assert load_state(scenario.spark, scenario.table) is None
    return error.value


# -- broken files ------------------------------------------------------------------------------------


def truncate(scenario: Scenario, export: Path) -> str:
    """Cuts a non-empty data file in half, the manifest's MD5 updated so only the gzip check can catch it."""
    key = non_empty_entry(export)["dataFileS3Key"]
    content = data_path(scenario.bucket, {"dataFileS3Key": key}).read_bytes()
    replace_data(scenario.bucket, export, key, content[: len(content) // 2])
    return key


def test_a_truncated_gzip_data_file_of_a_window_is_refused_by_name(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key = truncate(bootstrapped, export)
    refused_untouched(bootstrapped, export, match=rf"{re.escape(key)}: not a readable gzip file")


def test_a_truncated_gzip_data_file_of_a_full_export_creates_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=1)
    key = truncate(scenario, export)
    refused_no_table(scenario, export, match=rf"{re.escape(key)}: not a readable gzip file")


def test_a_data_file_missing_from_the_bucket_is_named(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key = non_empty_entry(export)["dataFileS3Key"]
    data_path(bootstrapped.bucket, {"dataFileS3Key": key}).unlink()
    refused_untouched(bootstrapped, export, match=rf"{re.escape(key)}: listed in its export's manifest-files.json but")


def test_a_data_file_missing_from_a_full_export_creates_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=3)
    key = manifest_entries(export)[-1]["dataFileS3Key"]  # empty or not: every listed file must be there
    data_path(scenario.bucket, {"dataFileS3Key": key}).unlink()
    refused_no_table(scenario, export, match=rf"{re.escape(key)}: listed in its export's manifest-files.json but")


# -- lying manifests -----------------------------------------------------------------------------------


def list_twice(export: Path) -> tuple[str, int]:
    """Lists the non-empty data file a second time at the end; the summary's itemCount agrees with the list."""
    entries = manifest_entries(export)
    twice = non_empty_entry(export)
    write_manifest(export, [*entries, twice])
    write_summary(export, itemCount=sum(e["itemCount"] for e in entries) + twice["itemCount"])
    first = next(n for n, e in enumerate(entries, start=1) if e == twice)
    return twice["dataFileS3Key"], first


def test_a_full_export_listing_one_data_file_twice_is_refused_by_manifest_line(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    export = scenario.full(T0, partitions=2)
    key, first = list_twice(export)
    refused_no_table(
        scenario,
        export,
        match=rf"manifest-files.json: line 3 lists {re.escape(key)} again \(first at line {first}\)",
    )


def test_a_window_listing_one_data_file_twice_is_refused_by_manifest_line(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    key, _ = list_twice(export)
    refused_untouched(bootstrapped, export, match=rf"manifest-files.json: line 2 lists {re.escape(key)} again")


@pytest.mark.parametrize("count", [4, 2, 0])
def test_a_summary_whose_item_count_disagrees_with_the_files_creates_no_table(spark, tmp_path, count):
    scenario = fresh(spark, tmp_path, items=3)
    export = scenario.full(T0)
    write_summary(export, itemCount=count)
    refused_no_table(
        scenario, export, match=f"manifest-summary.json: itemCount is {count} but manifest-files.json lists 3 items"
    )


@pytest.mark.parametrize("count", ["3", 3.0, True, -1])
def test_a_summary_item_count_that_is_not_a_count_is_refused(bootstrapped, count):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, itemCount=count)
    refused_untouched(bootstrapped, export, match=rf"manifest-summary.json: itemCount {re.escape(repr(count))} is not")


def test_a_summary_without_an_item_count_is_still_checked_file_by_file(bootstrapped):
    """DynamoDB always writes one; without it there is no lie to catch, and each file's lines still count."""
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, itemCount=None)
    bootstrapped.apply(export)
    bootstrapped.check(T0 + WINDOW)


def test_a_manifest_entry_whose_item_count_is_not_a_count_is_refused_by_line(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW, partitions=1)
    (entry,) = manifest_entries(export)
    write_manifest(export, [{**entry, "itemCount": 1.5}])
    refused_untouched(bootstrapped, export, match=r"manifest-files.json: line 1 is not a data file entry")


# -- the wrong kind of export --------------------------------------------------------------------------


def test_a_full_export_older_than_the_watermark_is_skipped_and_commits_nothing(bootstrapped):
    window = bootstrapped.window(T0, T0 + WINDOW)
    bootstrapped.apply(window)
    before = bootstrapped.snapshot()
    earlier = bootstrapped.full(T0 + MINUTE + 1000)  # newer than the bootstrap, older than the watermark

    (result,) = bootstrapped.apply(earlier)

    assert (result.action, result.reason) == (
        "skipped",
        "already covered: the table's watermark is 2026-01-14T10:33:50.622Z",
    )
    assert bootstrapped.snapshot() == before
    bootstrapped.full_export_micros = T0
    bootstrapped.check(T0 + WINDOW)


def test_the_bootstrap_export_given_again_is_skipped(bootstrapped):
    (bootstrap_id,) = {m.export_id for m in bootstrapped.check(T0).meta.values()}
    again = next(p for p in (bootstrapped.bucket / "AWSDynamoDB").iterdir() if p.name == bootstrap_id)
    before = bootstrapped.snapshot()
    assert [r.action for r in bootstrapped.apply(again)] == ["skipped"]
    assert bootstrapped.snapshot() == before


def test_a_window_before_any_full_export_is_refused_by_its_folder(spark, tmp_path):
    scenario = fresh(spark, tmp_path, items=0)
    scenario.source.put(item("a"), T0 + MINUTE)
    window = scenario.window(T0, T0 + WINDOW)
    refused_no_table(scenario, window, match=rf"{re.escape(window.as_uri())}: the table does not exist yet")


def test_a_summary_with_a_window_but_no_export_type_is_refused(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, exportType=None, exportTime="2026-01-14T10:18:50.622Z")
    refused_untouched(bootstrapped, export, match="manifest-summary.json: has an incremental window but no exportType")


# -- exports of two tables ---------------------------------------------------------------------------


def test_full_exports_of_two_tables_in_one_run_create_no_table(spark, tmp_path):
    scenario = fresh(spark, tmp_path)
    other = fresh(spark, tmp_path / "other")
    other.writer = ExportWriter(other.bucket, OTHER_ARN)
    refused_no_table(
        scenario, scenario.full(T0), other.full(T0), match="is an export of .*table/other, but this table mirrors"
    )


def test_exports_of_two_tables_sharing_an_export_id_are_still_refused(spark, tmp_path):
    """Export ids are unique per table only: two tables' exports can carry the same one."""
    scenario, other = fresh(spark, tmp_path), fresh(spark, tmp_path / "other")
    scenario.writer = ExportWriter(scenario.bucket, TABLE_ARN, seed=7)
    other.writer = ExportWriter(other.bucket, OTHER_ARN, seed=7)
    mine, theirs = scenario.full(T0), other.full(T0)
    assert mine.name == theirs.name
    refused_no_table(scenario, mine, theirs, match=rf"{re.escape(theirs.as_uri())}: is an export of .*table/other")


def test_windows_of_two_tables_in_one_run_leave_the_table_untouched(bootstrapped, tmp_path):
    other = Scenario(bootstrapped.spark, tmp_path / "other", table_arn=OTHER_ARN)
    other.source.put(item("x"), T0 + MINUTE)
    mine, theirs = bootstrapped.window(T0, T0 + WINDOW), other.window(T0, T0 + WINDOW)
    refused_untouched(bootstrapped, mine, theirs, match=rf"{re.escape(theirs.as_uri())}: is an export of .*other")


# -- view types ----------------------------------------------------------------------------------------
# The job records no view type with the table: it reads Keys and NewImage only, which both views write
# alike, so windows of either view may follow each other. Pinned here, so a change of that is deliberate.


def test_windows_of_both_view_types_mirror_the_same_across_runs_and_in_one_run(bootstrapped):
    bootstrapped.source.delete({"pk": {"S": "k1"}, "sk": {"N": "1"}}, T0 + 3 * MINUTE)
    bootstrapped.apply(bootstrapped.window(T0, T0 + WINDOW, view="NEW_AND_OLD_IMAGES"))
    bootstrapped.source.put(item("k9", "again"), T0 + WINDOW + MINUTE)
    bootstrapped.source.delete({"pk": {"S": "k2"}, "sk": {"N": "1"}}, T0 + WINDOW + MINUTE)
    bootstrapped.apply(bootstrapped.window(T0 + WINDOW, T0 + 2 * WINDOW, view="NEW_IMAGE"))
    bootstrapped.check(T0 + 2 * WINDOW)
    bootstrapped.source.put(item("k0", "third"), T0 + 2 * WINDOW + MINUTE)
    bootstrapped.source.delete({"pk": {"S": "k9"}, "sk": {"N": "1"}}, T0 + 3 * WINDOW + MINUTE)
    bootstrapped.apply(
        bootstrapped.window(T0 + 2 * WINDOW, T0 + 3 * WINDOW, view="NEW_AND_OLD_IMAGES"),
        bootstrapped.window(T0 + 3 * WINDOW, T0 + 4 * WINDOW, view="NEW_IMAGE"),
    )
    bootstrapped.check(T0 + 4 * WINDOW)


def test_a_window_of_an_unknown_view_type_is_refused(bootstrapped):
    export = bootstrapped.window(T0, T0 + WINDOW)
    write_summary(export, outputView="KEYS_ONLY")  # lines without NewImage would read as deletes
    refused_untouched(bootstrapped, export, match="manifest-summary.json: outputView 'KEYS_ONLY' is not supported")


# -- DynamoDB's limits -----------------------------------------------------------------------------------


def dynamodb_item_size(item: dict) -> int:
    """An item's size by DynamoDB's rules, for the S, N and B values used here (names count their UTF-8 bytes)."""
    size = 0
    for name, typed in item.items():
        ((tag, raw),) = typed.items()
        size += len(name.encode())
        if tag == "S":
            size += len(raw.encode())
        elif tag == "B":
            size += len(base64.b64decode(raw))
        elif tag == "N":
            size += (len(raw.lstrip("-").replace(".", "").strip("0")) + 1) // 2 + 1
        else:
            raise ValueError(tag)
    return size


def big_item(pk: str, seed: int) -> dict:
    blob = hashlib.shake_256(f"blob {seed}".encode()).digest(195_000)
    text = "日本" * 33_000 + "ä" * 5_000 + str(seed)  # 208,000 bytes of UTF-8 and then some
    return {"pk": {"S": pk}, "sk": {"N": "1"}, "text": {"S": text}, "blob": {"B": base64.b64encode(blob).decode()}}


def test_items_near_400_kb_are_mirrored_exactly(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    first, second = big_item("big", 1), big_item("big", 2)
    assert 390 * 1024 < dynamodb_item_size(first) <= 400 * 1024
    scenario.source.put(first, T0 - MINUTE)
    scenario.source.put(item("small"), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.check(T0)
    scenario.source.put(second, T0 + MINUTE)

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    scenario.check(T0 + WINDOW)
    row = spark.table(scenario.table).where("pk = 'big'").first()
    assert row["text"] == second["text"]["S"]
    assert bytes(row["blob"]) == base64.b64decode(second["blob"]["B"])


def nested(depth: int, leaf: dict, wrap) -> dict:
    value = leaf
    for _ in range(depth):
        value = wrap(value)
    return value


def deep_item(pk: str, leaf_number: str) -> dict:
    """Maps, lists and both alternating, each 32 containers deep (DynamoDB's limit)."""
    return {
        "pk": {"S": pk},
        "sk": {"N": "1"},
        "maps": nested(31, {"M": {"n": {"N": leaf_number}, "s": {"S": pk}}}, lambda v: {"M": {"d": v}}),
        "lists": nested(31, {"L": [{"N": "7"}, {"N": leaf_number.split(".")[0]}]}, lambda v: {"L": [v]}),
        "both": nested(16, {"S": pk}, lambda v: {"M": {"l": {"L": [v]}}}),
    }


def test_maps_and_lists_nested_32_levels_are_mirrored_exactly_with_nested_types(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(deep_item("a", "1.5"), T0 - MINUTE)
    scenario.source.put(deep_item("b", "-2.5"), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put(deep_item("a", "3.5"), T0 + MINUTE)
    scenario.source.put(deep_item("c", "4.5"), T0 + MINUTE)

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    mirror = scenario.check(T0 + WINDOW)
    types = {c["attribute"]: c["type"] for c in mirror.columns}

    def struct(**fields):
        return {"kind": "struct", "fields": [{"key": k, "name": k, "type": t} for k, t in sorted(fields.items())]}

    leaf = struct(n={"kind": "decimal", "scale": 1}, s={"kind": "string"})
    assert types["maps"] == nested(31, leaf, lambda t: struct(d=t))
    assert types["lists"] == nested(32, {"kind": "long"}, lambda t: {"kind": "list", "element": t})
    assert types["both"] == nested(16, {"kind": "string"}, lambda t: struct(l={"kind": "list", "element": t}))
    assert spark.table(scenario.table).where("pk = 'c'").select("maps" + ".d" * 31 + ".n").first()[0] == Decimal("4.5")


NINES_38 = "9" * 38
EDGES = {  # attribute -> (value of item a, value of item b, value of item c)
    "wide_int": ("12345678901234567890123456789012345678", "-" + NINES_38, "0"),
    "wide_frac": ("0.12345678901234567890123456789012345678", "-0." + "0" * 37 + "1", "0." + NINES_38),
    "tiny": ("1E-130", "-1E-130", "1.5E-130"),
    "huge": ("9." + "9" * 37 + "E+125", "-1E+125", "1E+125"),
    "mixed": ("12.5", "1E-130", "-3.25"),
}


def test_numbers_at_38_digits_and_exponents_minus_130_and_125_are_exact(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    for n, pk in enumerate("abc"):
        values = {attribute: {"N": texts[n]} for attribute, texts in EDGES.items()}
        scenario.source.put({"pk": {"S": pk}, "sk": {"N": "1"}, **values}, T0 - MINUTE)

    scenario.apply(scenario.full(T0))

    mirror = scenario.check(T0)
    # README: int64 -> bigint, else decimal(38, s) with s holding the most values, the smallest on ties; a value
    # no decimal(38, s) holds goes to _unmapped verbatim (when none fits, every scale ties and 0 wins).
    assert {c["attribute"]: c["type"] for c in mirror.columns if c["attribute"] in EDGES} == {
        "wide_int": {"kind": "decimal", "scale": 0},
        "wide_frac": {"kind": "decimal", "scale": 38},
        "tiny": {"kind": "decimal", "scale": 0},
        "huge": {"kind": "decimal", "scale": 0},
        "mixed": {"kind": "decimal", "scale": 2},
    }
    rows = {r["pk"]: r.asDict() for r in spark.table(scenario.table).collect()}
    for attribute in ("wide_int", "wide_frac"):  # Decimal equality is exact: no digit may be lost
        assert [rows[pk][attribute] for pk in "abc"] == [Decimal(text) for text in EDGES[attribute]]
    assert [rows[pk]["mixed"] for pk in "ac"] == [Decimal("12.5"), Decimal("-3.25")]
    for n, pk in enumerate("abc"):
        unmapped = {a: json.loads(t) for a, t in (rows[pk]["_unmapped"] or {}).items()}
        expected = {a: {"N": EDGES[a][n]} for a in ("tiny", "huge")}
        if pk == "b":
            expected["mixed"] = {"N": "1E-130"}
        assert unmapped == expected
        assert rows[pk]["tiny"] is rows[pk]["huge"] is None


def test_empty_strings_and_binaries_are_kept_apart_from_absent_values(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    empty = {
        "pk": {"S": "e"},
        "sk": {"N": "1"},
        "s": {"S": ""},
        "b": {"B": ""},
        "ss": {"SS": ["", "a"]},
        "bs": {"BS": ["", "AQ=="]},
        "l": {"L": [{"S": ""}, {"S": "x"}]},
        "m": {"M": {"e": {"S": ""}, "f": {"B": ""}}},
    }
    scenario.source.put(empty, T0 - MINUTE)
    scenario.source.put(
        {"pk": {"S": "f"}, "sk": {"N": "1"}, "s": {"S": "full"}, "b": {"B": "AQ=="}, "m": {"M": {"e": {"S": "x"}}}},
        T0 - MINUTE,
    )
    scenario.apply(scenario.full(T0))
    row = spark.table(scenario.table).where("pk = 'e'").first()
    assert (row["s"], bytes(row["b"]), sorted(row["ss"]), sorted(bytes(b) for b in row["bs"])) == (
        "",
        b"",
        ["", "a"],
        [b"", b"\x01"],
    )
    assert (row["l"], row["m"]["e"], bytes(row["m"]["f"])) == (["", "x"], "", b"")
    scenario.source.put({**empty, "pk": {"S": "f"}}, T0 + MINUTE)  # a full value becomes empty
    scenario.source.put({"pk": {"S": "e"}, "sk": {"N": "1"}, "s": {"S": "now full"}}, T0 + MINUTE)

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    scenario.check(T0 + WINDOW)
    assert spark.table(scenario.table).where("pk = 'f'").first()["s"] == ""


@pytest.mark.parametrize("empty_set", [{"SS": []}, {"NS": []}, {"BS": []}])
def test_empty_sets_which_dynamodb_never_writes_are_refused_by_line(spark, tmp_path, empty_set):
    scenario = fresh(spark, tmp_path, items=3)
    export = scenario.full(T0, partitions=1)
    entry = non_empty_entry(export)
    lines = data_lines(scenario.bucket, entry)
    lines[1] = json.dumps({"Item": {**item("bad"), "set": empty_set}}).encode()
    replace_lines(scenario.bucket, export, entry["dataFileS3Key"], lines)
    refused_no_table(scenario, export, match=rf"{re.escape(entry['dataFileS3Key'])}: line 2: malformed")


NUMBER_KEYS = {  # key text as exported -> the README's canonical text (no exponent, no trailing zeros)
    "1E-130": "0." + "0" * 129 + "1",
    "9." + "9" * 37 + "E+125": NINES_38 + "0" * 88,
    "-1E+125": "-1" + "0" * 125,
    "12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
    "-0.5": "-0.5",
    "100": "100",
}
BINARY_KEYS = [b"\x00", b"\xff\xfe", b"a" * 1024, bytes(range(256))]


def test_binary_partition_keys_and_number_sort_keys_at_the_limits_are_exact(spark, tmp_path):
    scenario = Scenario(spark, tmp_path, key_types={"pk": "B", "sk": "N"})
    keys = [(pk, sk) for pk in BINARY_KEYS for sk in NUMBER_KEYS]
    for n, (pk, sk) in enumerate(keys):
        scenario.source.put({"pk": {"B": base64.b64encode(pk).decode()}, "sk": {"N": sk}, "n": {"N": str(n)}}, T0 - 1)
    scenario.apply(scenario.full(T0))
    for n, (pk, sk) in enumerate(keys[::3]):
        typed = {"pk": {"B": base64.b64encode(pk).decode()}, "sk": {"N": sk}}
        if n % 2:
            scenario.source.delete(typed, T0 + MINUTE)
        else:
            scenario.source.put({**typed, "n": {"S": "changed"}}, T0 + MINUTE)
    scenario.source.put({"pk": {"B": "AA=="}, "sk": {"N": "-1E-130"}}, T0 + MINUTE)

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    mirror = scenario.check(T0 + WINDOW)
    types = {c["attribute"]: c["type"] for c in mirror.columns}
    assert (types["pk"], types["sk"]) == ({"kind": "binary"}, {"kind": "number_text"})
    rows = {(bytes(r["pk"]), r["sk"]) for r in spark.table(scenario.table).select("pk", "sk").collect()}
    live = {(pk, NUMBER_KEYS[sk]) for n, (pk, sk) in enumerate(keys) if n % 3 or (n // 3) % 2 == 0}
    assert rows == live | {(b"\x00", "-0." + "0" * 129 + "1")}


def sha8(attribute: str) -> str:
    return hashlib.sha1(attribute.encode("utf-8")).hexdigest()[:8]


LONG = "Long name " * 110  # 1,100 characters; DynamoDB allows 64 KB for a name that is not a key
PUNCTUATED = ['a"b', "a'b", "a,b", "a.b", "a:b", "a`b"]  # in code-point order: the first keeps `a_b`
INJECTION = "x` = 1; DROP TABLE t; --"
# The README's naming rule applied by hand: ASCII lower case, runs of other characters become `_`, `c_` when
# nothing is left, the first 246 characters and `_<sha1[:8]>` when longer than 255, `_<sha1[:8]>` when taken.
EXPECTED_NAMES = {
    "n" * 255: "n" * 255,
    LONG: "long_name_" * 24 + "long_n_" + sha8(LONG),
    **{name: "a_b" if n == 0 else f"a_b_{sha8(name)}" for n, name in enumerate(PUNCTUATED)},
    INJECTION: "x_1_drop_table_t",
    "Ünïcödé ñame": "unicode_name",
    "日本語😀": "c_",
    "record": "record",
}


def named_item(pk: str, n: int) -> dict:
    values = {name: {"S": f"{pk} {n} {name[:20]}"} for name in EXPECTED_NAMES}
    values["record"] = {"M": {name: {"N": str(n)} for name in PUNCTUATED[::-1]}}
    return {"pk": {"S": pk}, "sk": {"N": "1"}, **values}


def test_attribute_names_at_the_limits_and_full_of_punctuation_get_the_readme_names(spark, tmp_path):
    scenario = Scenario(spark, tmp_path)
    scenario.source.put(named_item("it's `quoted`", 1), T0 - MINUTE)
    scenario.source.put(named_item("'; DROP TABLE t; --", 2), T0 - MINUTE)
    scenario.apply(scenario.full(T0))
    scenario.source.put(named_item("it's `quoted`", 3), T0 + MINUTE)
    added = "new`col, with: all.of 'them'"  # a new column, added by the window's own commit
    scenario.source.put({**named_item("third", 4), added: {"BOOL": True}}, T0 + MINUTE)
    scenario.source.delete({"pk": {"S": "'; DROP TABLE t; --"}, "sk": {"N": "1"}}, T0 + 2 * MINUTE)

    scenario.apply(scenario.window(T0, T0 + WINDOW))

    mirror = scenario.check(T0 + WINDOW)
    names = {c["attribute"]: c["column"] for c in mirror.columns}
    assert names == {"pk": "pk", "sk": "sk", **EXPECTED_NAMES, added: "new_col_with_all_of_them"}
    assert set(spark.table(scenario.table).columns) == {*names.values(), "_unmapped", "_write_ts", "_export_id"}
    record = next(c["type"] for c in mirror.columns if c["attribute"] == "record")
    assert [(f["key"], f["name"]) for f in record["fields"]] == [(n, EXPECTED_NAMES[n]) for n in PUNCTUATED]
    assert spark.table(scenario.table).count() == 2


# -- fuzzed lines ------------------------------------------------------------------------------------


def export_with_target_line(scenario: Scenario, target: dict, edit=None) -> tuple[Path, str, int]:
    """A one-file full export holding `target` among valid items; returns its data file key and target's line."""
    export = scenario.full(T0, partitions=1)
    entry = non_empty_entry(export)
    lines = data_lines(scenario.bucket, entry)
    (number,) = [n for n, line in enumerate(lines, start=1) if json.loads(line)["Item"]["pk"] == target["pk"]]
    if edit is not None:
        lines[number - 1] = edit(lines[number - 1])
        replace_lines(scenario.bucket, export, entry["dataFileS3Key"], lines)
    return export, entry["dataFileS3Key"], number


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases())
def test_fuzzed_lines_are_mirrored_exactly_or_refused_by_file_and_line(spark, case):
    root = Path(tempfile.mkdtemp(prefix="mirror-fuzz-"))
    try:
        scenario = Scenario(spark, root)
        scenario.source.put(item("before"), T0 - MINUTE)
        scenario.source.put({**item("neighbour"), case.name: case.neighbour}, T0 - MINUTE)
        target = {"pk": {"S": "target"}, "sk": {"N": "1"}, case.name: case.value}
        scenario.source.put(target, T0 - MINUTE)
        export, key, line = export_with_target_line(scenario, target, lambda b: edit_line(b, case))
        event("mirrored" if case.must_mirror else f"refused ({case.line_edit or 'value'})")
        if case.must_mirror:
            scenario.apply(export)
            scenario.check(T0)
        else:
            refused_no_table(scenario, export, match=rf"{re.escape(key)}: line {line}: ")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- bugs of today's engine (decode/inference), pinned until its rewrite fixes them ----------------------


def refused_line(spark, root: Path, raw_value: str) -> None:
    """An item whose attribute `a` holds `raw_value` (JSON text), beside items where `a` is a number column."""
    scenario = Scenario(spark, root)
    for n in range(2):
        scenario.source.put({**item(f"k{n}"), "a": {"N": str(n)}}, T0 - MINUTE)
    target = {**item("target"), "a": {"N": "0"}}
    scenario.source.put(target, T0 - MINUTE)
    placeholder = b'"a":{"N":"0"}'
    export, key, line = export_with_target_line(
        scenario, target, lambda b: b.replace(placeholder, b'"a":' + raw_value.encode())
    )
    refused_no_table(scenario, export, match=rf"{re.escape(key)}: line {line}: ")


@pytest.mark.parametrize("text", ["1_000", " 1 ", "١٢"])
def test_number_texts_dynamodb_never_writes_are_refused_by_line(spark, tmp_path, text):
    refused_line(spark, tmp_path, json.dumps({"N": text}))


def test_a_number_beyond_the_engines_exponent_range_is_refused_by_line(spark, tmp_path):
    refused_line(spark, tmp_path, '{"N": "1E+1000"}')


def test_a_lone_surrogate_escape_is_refused_by_line(spark, tmp_path):
    refused_line(spark, tmp_path, '{"S": "x\\ud800"}')


def test_null_false_is_refused_by_line(spark, tmp_path):
    refused_line(spark, tmp_path, '{"NULL": false}')


def test_a_line_nested_past_the_recursion_limit_is_refused_by_line(spark, tmp_path):
    refused_line(spark, tmp_path, '{"L": [' * 5000 + '{"N": "1"}' + "]}" * 5000)
