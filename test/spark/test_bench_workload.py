"""The benchmark's input (test/bench/workload.py) is a consistent table history: its windows apply
onto its full export as DynamoDB's would, and the same seed gives the same files."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from dynamo_local.exports import read_export, read_manifest_files, read_summary  # noqa: E402
from workload import KEY, MINUTE, T0, WINDOW, build_source, scattered  # noqa: E402


def key(image: dict) -> tuple[str, ...]:
    return tuple(image[k]["S"] for k in KEY)


def test_windows_apply_onto_the_full_export(tmp_path):
    source = build_source(tmp_path / "bucket", 1000, 4, 0.05)
    table = {}
    for line in read_export(source.bucket, source.full):
        assert key(line["Item"]) not in table
        table[key(line["Item"])] = line["Item"]
    assert len(table) == 1000 == read_summary(source.full)["itemCount"]
    assert len(read_manifest_files(source.full)) == 4
    for w, window in enumerate(source.windows):
        kinds = {"insert": 0, "update": 0, "delete": 0}
        lines = read_export(source.bucket, window)
        assert len({key(line["Keys"]) for line in lines}) == len(lines) == 50  # one line per key
        for line in lines:
            k = key(line["Keys"])
            written = int(line["Metadata"]["WriteTimestampMicros"]["N"])
            assert T0 + w * WINDOW + MINUTE < written < T0 + (w + 1) * WINDOW
            assert line.get("OldImage") == table.get(k)  # the item as the export and earlier windows left it
            if "NewImage" in line:
                assert key(line["NewImage"]) == k
                kinds["update" if k in table else "insert"] += 1
                table[k] = line["NewImage"]
            else:
                kinds["delete"] += 1
                del table[k]
        assert kinds == {"insert": 5, "update": 40, "delete": 5}


def test_the_same_seed_gives_the_same_files(tmp_path):
    def contents(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    one = build_source(tmp_path / "one" / "bucket", 300, 2, 0.1)
    two = build_source(tmp_path / "two" / "bucket", 300, 2, 0.1)
    assert contents(one.bucket) == contents(two.bucket)


def test_the_full_export_is_not_in_key_order():
    for count in (0, 1, 2, 10, 997, 1000):
        order = list(scattered(count))
        assert sorted(order) == list(range(count))
    assert list(scattered(1000)) != list(range(1000))
