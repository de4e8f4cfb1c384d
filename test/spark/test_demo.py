"""The demo, run as the README's first command runs it, checked against the warehouse it leaves.

Every number and table the demo prints is compared with what an independent Iceberg reader
(pyiceberg) finds in that warehouse.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from test_cli import cli

APPLIED = re.compile(
    r"(?P<action>bootstrapped|applied) (?:full|incremental) export \S+ .*?: (?P<inserted>\d+) inserted, "
    r"(?P<updated>\d+) updated, (?P<deleted>\d+) deleted, \d+ unmapped values, \d+ new columns; "
    r"watermark (?P<watermark>\S+)$"
)
SHOWN = ["productid", "name", "price", "stock", "tags", "_unmapped"]


def _printed_tables(lines: list[str]) -> list[list[dict[str, str]]]:
    """The ASCII tables the demo prints (Spark's show format: border, header, border, rows, border)."""
    groups: list[list[str]] = [[]]
    for line in (line.strip() for line in lines):
        if line.startswith(("+", "|")):
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    cells = lambda line: [cell.strip() for cell in line.strip("|").split("|")]  # noqa: E731
    return [[dict(zip(cells(g[1]), cells(row))) for row in g[3:-1]] for g in groups if g]


def _shown(value: Any) -> str:
    """A value as Spark's show() prints it."""
    if value is None:
        return "NULL"
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return "{" + ", ".join(f"{k} -> {_shown(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _rows(arrow_table, columns: list[str] = SHOWN) -> list[dict[str, str]]:
    rows = arrow_table.select(columns).to_pylist()
    return sorted(({c: _shown(r[c]) for c in columns} for r in rows), key=lambda r: Decimal(r["productid"]))


def _by_key(arrow_table) -> dict[str, dict[str, str]]:
    """Every attribute column (not the job's _write_ts and _export_id), by product id."""
    columns = [c for c in arrow_table.column_names if c not in ("_write_ts", "_export_id")]
    return {r["productid"]: r for r in _rows(arrow_table, columns)}


def test_the_demo_prints_what_its_warehouse_holds(tmp_path: Path):
    from pyiceberg.table import StaticTable

    # WHEN the demo runs
    run = cli("demo", "--dir", str(tmp_path / "demo"))

    # THEN it succeeds and names the warehouse it leaves, inside the folder it was given
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    steps = [line[:5] for line in lines if re.match(r"\[\d/7\]", line)]
    assert steps == [f"[{n}/7]" for n in range(1, 8)], "every step is announced, in order"
    warehouse = Path(re.search(r"plain Iceberg warehouse \(Hadoop layout\): (\S+)", run.stdout).group(1))
    assert warehouse == tmp_path / "demo" / "warehouse"
    metadata = (warehouse / "demo" / "products" / "metadata").glob("v*.metadata.json")
    table = StaticTable.from_metadata(str(max(metadata, key=lambda p: int(p.name[1:].split(".")[0]))))

    # THEN the final row count it prints is the table's
    printed_rows = int(re.search(r"Done in \d+ s: (\d+) rows in mirror\.demo\.products\.", run.stdout).group(1))
    current = table.scan().to_arrow()
    now = _rows(current)
    assert printed_rows == len(now)

    # THEN the three tables it prints are the table after the bootstrap, now, and at the bootstrap snapshot
    after_bootstrap, final, travelled = _printed_tables(lines)
    snapshot_id = int(re.search(r"VERSION AS OF (\d+):", run.stdout).group(1))
    bootstrapped = table.scan(snapshot_id=snapshot_id).to_arrow()
    at_bootstrap = _rows(bootstrapped)
    project = lambda rows: [{c: r[c] for c in SHOWN} for r in rows]  # noqa: E731
    assert project(final) == now
    assert project(after_bootstrap) == at_bootstrap
    assert project(travelled) == at_bootstrap

    # THEN the counts it prints for each export add up to the change between those two tables
    applied = [APPLIED.search(line) for line in lines if APPLIED.search(line)]
    assert [m["action"] for m in applied] == ["bootstrapped", "applied", "applied"]
    total = {k: sum(int(m[k]) for m in applied[1:]) for k in ("inserted", "updated", "deleted")}
    before, after = _by_key(bootstrapped), _by_key(current)
    assert int(applied[0]["inserted"]) == len(before)
    assert total["inserted"] == len(after.keys() - before.keys())
    assert total["deleted"] == len(before.keys() - after.keys())
    assert total["updated"] == sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
    assert applied[-1]["watermark"] == table.properties["dynamo-iceberg-mirror.watermark"]

    # THEN it ends by verifying its mirror against a fresh full export at that watermark: equal
    proof = re.search(r"(\d+) missing, (\d+) extra, (\d+) different: (\d+) items at watermark (\S+) ", run.stdout)
    assert proof is not None and proof.groups()[:3] == ("0", "0", "0")
    assert int(proof[4]) == printed_rows and proof[5] == applied[-1]["watermark"]
