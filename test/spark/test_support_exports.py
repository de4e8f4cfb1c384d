"""The export writer produces the exact layout of export-format.md."""

import gzip
import hashlib
import json
import re
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest
from dynamo_local.exports import (
    ExportWriter,
    iso_ms,
    md5_b64,
    parse_iso_ms,
    read_data_lines,
    read_export,
    read_manifest_files,
    read_summary,
)
from dynamo_local.simulated_table import SimulatedTable
from support.bad_exports import corrupt_manifest, rewrite_as_ion, write_decoys

T = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z
MS = 1000
ARN = "arn:aws:dynamodb:eu-north-1:123456789123:table/test"
EXPORT_ID = re.compile(r"\d{14}-[0-9a-f]{8}")
FULL_FIELDS = {
    "version",
    "exportArn",
    "startTime",
    "endTime",
    "tableArn",
    "tableId",
    "exportTime",
    "s3Bucket",
    "s3Prefix",
    "s3SseAlgorithm",
    "s3SseKmsKeyId",
    "manifestFilesS3Key",
    "billedSizeBytes",
    "itemCount",
    "outputFormat",
}
INCR_FIELDS = (FULL_FIELDS - {"exportTime"}) | {"exportFromTime", "exportToTime", "outputView", "exportType"}


def item(pk: str, **attrs: str) -> dict:
    return {"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items()}}


@pytest.fixture
def bucket(tmp_path: Path) -> Path:
    return tmp_path / "test-1231x1x"


@pytest.fixture
def table() -> SimulatedTable:
    t = SimulatedTable(["pk"])
    for i in range(3):
        t.put(item(f"k{i}", v=str(i)), T - (10 - i) * MS)
    return t


def check_files(bucket: Path, export_dir: Path) -> list[dict]:
    """Verifies what a careful reader would: manifest md5s, data md5s and item counts."""
    for name in ("manifest-files", "manifest-summary"):
        data = (export_dir / f"{name}.json").read_bytes()
        assert (export_dir / f"{name}.md5").read_text() == md5_b64(data)
    entries = read_manifest_files(export_dir)
    for e in entries:
        assert set(e) == {"itemCount", "md5Checksum", "etag", "dataFileS3Key"}
        raw = (bucket / e["dataFileS3Key"]).read_bytes()
        assert md5_b64(raw) == e["md5Checksum"]
        assert re.fullmatch(r"[0-9a-f]{32}-\d+", e["etag"]) and e["etag"].split("-")[0] != raw.hex()
        lines = gzip.decompress(raw).decode().splitlines()
        assert len(lines) == e["itemCount"]
    assert sum(e["itemCount"] for e in entries) == read_summary(export_dir)["itemCount"]
    return entries


def test_full_export_layout_and_summary(bucket, table):
    w = ExportWriter(bucket, ARN)
    d = w.full_export(table, T)
    export_id = d.name
    assert d == bucket / "AWSDynamoDB" / export_id and EXPORT_ID.fullmatch(export_id)
    assert export_id.startswith("01768385930622-")
    assert (d / "_started").read_bytes() == b""
    s = read_summary(d)
    assert set(s) == FULL_FIELDS
    assert s["version"] == "2020-06-30" and s["outputFormat"] == "DYNAMODB_JSON"
    assert s["exportTime"] == "2026-01-14T10:18:50.622Z"
    assert s["exportArn"] == f"{ARN}/export/{export_id}" and s["tableArn"] == ARN
    assert s["s3Bucket"] == "test-1231x1x" and s["s3Prefix"] is None and s["s3SseAlgorithm"] == "AES256"
    assert s["manifestFilesS3Key"] == f"AWSDynamoDB/{export_id}/manifest-files.json"
    assert (bucket / s["manifestFilesS3Key"]).is_file()
    entries = check_files(bucket, d)
    assert len(entries) == 4 and s["itemCount"] == 3
    for e in entries:
        assert re.fullmatch(rf"AWSDynamoDB/{export_id}/data/[a-z2-7]{{26}}\.json\.gz", e["dataFileS3Key"])
    assert sorted(json.dumps(x["Item"], sort_keys=True) for x in read_export(bucket, d)) == sorted(
        json.dumps(i, sort_keys=True) for i in table.state_at(T).values()
    )


def test_empty_partitions_are_empty_gzip_files(bucket, table):
    w = ExportWriter(bucket, ARN)
    empties = 0
    for n in range(5):
        for e in check_files(bucket, w.full_export(table, T + n * MS)):
            if e["itemCount"] == 0:
                empties += 1
                assert gzip.decompress((bucket / e["dataFileS3Key"]).read_bytes()) == b""
    assert empties >= 5  # 3 items over 4 partitions: at least one empty file per export


def test_empty_table_still_writes_one_file_per_partition(bucket):
    d = ExportWriter(bucket, ARN).full_export(SimulatedTable(["pk"]), T, partitions=2)
    assert [e["itemCount"] for e in check_files(bucket, d)] == [0, 0]


def test_streamed_full_export_has_the_full_export_layout(bucket, table):
    items = list(table.state_at(T).values()) + [item(f"more{i}", v=str(i)) for i in range(40)]
    w = ExportWriter(bucket, ARN, prefix="p")
    d = w.full_export_of(iter(items), ["pk"], T, partitions=3)
    s = read_summary(d)
    assert set(s) == FULL_FIELDS and EXPORT_ID.fullmatch(d.name) and d.parent == bucket / "p/AWSDynamoDB"
    assert s["version"] == "2020-06-30" and s["exportTime"] == "2026-01-14T10:18:50.622Z"
    assert s["exportArn"] == f"{ARN}/export/{d.name}"
    assert s["manifestFilesS3Key"] == f"p/AWSDynamoDB/{d.name}/manifest-files.json"
    entries = check_files(bucket, d)
    assert len(entries) == 3 and s["itemCount"] == 43
    for e in entries:
        assert re.fullmatch(rf"p/AWSDynamoDB/{d.name}/data/[a-z2-7]{{26}}\.json\.gz", e["dataFileS3Key"])
        part_md5 = hashlib.md5((bucket / e["dataFileS3Key"]).read_bytes()).digest()
        assert e["etag"] == hashlib.md5(part_md5).hexdigest() + "-1"
    lines = read_export(bucket, d)
    assert sorted(json.dumps(x["Item"], sort_keys=True) for x in lines) == sorted(
        json.dumps(i, sort_keys=True) for i in items
    )
    assert all(list(x) == ["Item"] for x in lines)
    assert s["billedSizeBytes"] == sum(len(json.dumps(x, separators=(",", ":")).encode()) + 1 for x in lines)


def test_streamed_full_export_of_nothing_writes_empty_gzip_files(bucket):
    d = ExportWriter(bucket, ARN).full_export_of([], ["pk"], T, partitions=2)
    entries = check_files(bucket, d)
    assert [e["itemCount"] for e in entries] == [0, 0]
    assert all(gzip.decompress((bucket / e["dataFileS3Key"]).read_bytes()) == b"" for e in entries)


def test_streamed_full_export_holds_no_items(bucket):
    # 20,000 lines of 1 KB: kept they take 19 MB (measured); streamed, 6.6 MB of buffers and zlib state.
    items = (item(f"k{i:05d}", v="x" * 1000) for i in range(20_000))
    tracemalloc.start()
    try:
        d = ExportWriter(bucket, ARN).full_export_of(items, ["pk"], T, partitions=4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read_summary(d)["itemCount"] == 20_000
    assert peak < 10_000_000


def test_prefix_is_part_of_every_key(bucket, table):
    w = ExportWriter(bucket, ARN, prefix="mirror/exports")
    d = w.full_export(table, T)
    assert d.parent == bucket / "mirror/exports/AWSDynamoDB"
    s = read_summary(d)
    assert s["s3Prefix"] == "mirror/exports"
    assert s["manifestFilesS3Key"].startswith("mirror/exports/AWSDynamoDB/")
    assert all(e["dataFileS3Key"].startswith("mirror/exports/AWSDynamoDB/") for e in check_files(bucket, d))


def test_incremental_export_layout_and_shared_data_folder(bucket, table):
    w = ExportWriter(bucket, ARN, prefix="p")
    table.put(item("k0", v="changed"), T + 1 * MS)
    table.delete({"pk": {"S": "k1"}}, T + 2 * MS)
    table.put(item("new", v="n"), T + 3 * MS)
    d1 = w.incremental_export(table, T, T + 15 * 60_000 * MS)
    table.put(item("later"), T + 16 * 60_000 * MS)
    d2 = w.incremental_export(table, T + 15 * 60_000 * MS, T + 30 * 60_000 * MS, view="NEW_IMAGE")
    for d in (d1, d2):
        s = read_summary(d)
        assert set(s) == INCR_FIELDS and EXPORT_ID.fullmatch(d.name)
        assert s["version"] == "2023-08-01" and s["exportType"] == "INCREMENTAL_EXPORT"
        assert not (d / "data").exists()
        assert all(e["dataFileS3Key"].startswith("p/AWSDynamoDB/data/") for e in check_files(bucket, d))
    s1 = read_summary(d1)
    assert (s1["exportFromTime"], s1["exportToTime"]) == ("2026-01-14T10:18:50.622Z", "2026-01-14T10:33:50.622Z")
    assert s1["outputView"] == "NEW_AND_OLD_IMAGES" and read_summary(d2)["outputView"] == "NEW_IMAGE"
    # Both exports' files are in one folder; each manifest lists only its own.
    keys1 = {e["dataFileS3Key"] for e in read_manifest_files(d1)}
    keys2 = {e["dataFileS3Key"] for e in read_manifest_files(d2)}
    assert not keys1 & keys2
    assert {f"p/AWSDynamoDB/data/{p.name}" for p in (bucket / "p/AWSDynamoDB/data").iterdir()} == keys1 | keys2

    lines = {json.dumps(line["Keys"]): line for line in read_export(bucket, d1)}
    assert set(lines) == {json.dumps({"pk": {"S": k}}) for k in ("k0", "k1", "new")}
    upd = lines[json.dumps({"pk": {"S": "k0"}})]
    assert list(upd) == ["Metadata", "Keys", "OldImage", "NewImage"]
    assert upd["Metadata"] == {"WriteTimestampMicros": {"N": str(T + MS)}}
    assert upd["OldImage"] == item("k0", v="0") and upd["NewImage"] == item("k0", v="changed")
    dele = lines[json.dumps({"pk": {"S": "k1"}})]
    assert "NewImage" not in dele and dele["OldImage"] == item("k1", v="1")
    ins = lines[json.dumps({"pk": {"S": "new"}})]
    assert "OldImage" not in ins and ins["NewImage"] == item("new", v="n")
    (only,) = read_export(bucket, d2)
    assert set(only) == {"Metadata", "Keys", "NewImage"}


def test_new_image_view_has_no_old_images(bucket, table):
    table.put(item("k0", v="x"), T + 1)
    table.delete({"pk": {"S": "k2"}}, T + 2)
    d = ExportWriter(bucket, ARN).incremental_export(table, T, T + MS, view="NEW_IMAGE")
    lines = read_export(bucket, d)
    assert len(lines) == 2 and all("OldImage" not in line for line in lines)
    assert sorted(set(line) for line in lines) == sorted(
        [{"Metadata", "Keys"}, {"Metadata", "Keys", "NewImage"}], key=len
    )


def test_lines_are_not_in_time_order(bucket):
    t = SimulatedTable(["pk"])
    for i in range(40):
        t.put(item(f"k{i:02d}"), T + i)
    d = ExportWriter(bucket, ARN).incremental_export(t, T, T + MS, partitions=1)
    times = [int(line["Metadata"]["WriteTimestampMicros"]["N"]) for line in read_export(bucket, d)]
    assert sorted(times) == list(range(T, T + 40)) and times != sorted(times)


def test_export_ids_are_unique_within_one_millisecond(bucket, table):
    w = ExportWriter(bucket, ARN)
    ids = {w.full_export(table, T, partitions=1).name for _ in range(30)}
    assert len(ids) == 30


def test_ion_output_is_not_json(bucket, table):
    w = ExportWriter(bucket, ARN)
    d = w.full_export(table, T)
    rewrite_as_ion(bucket, d)
    assert read_summary(d)["outputFormat"] == "ION"
    lines = [
        line
        for e in check_files(bucket, d)
        for line in gzip.decompress((bucket / e["dataFileS3Key"]).read_bytes()).decode().splitlines()
    ]
    assert len(lines) == 3 and all(line.startswith("$ion_1_0 {Item:{") for line in lines)
    for line in lines:
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)


@pytest.mark.parametrize("field", ["md5Checksum", "itemCount"])
def test_corrupt_manifest_is_detectable(bucket, table, field):
    w = ExportWriter(bucket, ARN)
    d = w.full_export(table, T)
    bad_key = corrupt_manifest(d, field)
    with pytest.raises(AssertionError):
        check_files(bucket, d)
    e = next(e for e in read_manifest_files(d) if e["dataFileS3Key"] == bad_key)
    raw = (bucket / bad_key).read_bytes()
    assert (md5_b64(raw) != e["md5Checksum"]) or (len(read_data_lines(bucket, bad_key)) != e["itemCount"])
    assert (d / "manifest-files.md5").read_text() == md5_b64((d / "manifest-files.json").read_bytes())


def test_decoys_are_listed_by_no_manifest(bucket, table):
    w = ExportWriter(bucket, ARN)
    d = w.incremental_export(table, T - 20 * MS, T)
    decoys = write_decoys(w, 3, table)
    assert len(decoys) == 3 and all(p.parent == w.shared_data_dir for p in decoys)
    listed = {bucket / e["dataFileS3Key"] for e in read_manifest_files(d)}
    assert not listed & set(decoys)
    for p in decoys:
        lines = read_data_lines(bucket, str(p.relative_to(bucket)))
        assert len(lines) == 5 and all({"Metadata", "Keys"} <= set(line) for line in lines)
        assert any("NewImage" not in line for line in lines)  # one deletes a live item


def test_times_are_formatted_with_milliseconds_truncated():
    assert iso_ms(T) == "2026-01-14T10:18:50.622Z"
    assert iso_ms(T + 999) == "2026-01-14T10:18:50.622Z"
    assert parse_iso_ms("2026-01-14T10:18:50.622Z") == T
    with pytest.raises(ValueError):
        parse_iso_ms("2026-01-14T10:18:50Z")
