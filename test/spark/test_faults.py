"""Real process death: the job is SIGKILLed at seeded moments of each kind of run, then run again.

After the kill the table is exactly a state the mirror committed (untouched, or the run done: never data
without its watermark); the re-run ends equal to the oracle; files the killed run wrote are never read
and maintenance removes them. The default run keeps one seed per kind of run; `npx projen test:faults`
runs them all (DYNAMO_ICEBERG_MIRROR_FAULT_SEEDS seeds each). A failure names its seed and kill moment.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from harness import T0, Scenario
from mirror_job.maintenance import maintain
from mirror_job.publish import RUN_BRANCH_PREFIX
from mirror_job.reader import epoch_micros
from mirror_job.table import load_state
from support.items import ItemFactory
from support.job_process import KillCue, run_and_kill
from test_windows import WINDOW, churn

KINDS = ("bootstrap", "window", "catch-up", "maintenance")
SEEDS = int(os.environ.get("DYNAMO_ICEBERG_MIRROR_FAULT_SEEDS", "6"))
DAY = 24 * 3600
# Kept by default: kills cued on a file (bootstrap) or on a commit, around the publishing commit of applies.
SAMPLE = {"bootstrap": 2, "window": 1, "catch-up": 3, "maintenance": 2}


def cases():
    for kind in KINDS:
        for seed in range(SEEDS):
            marks = () if seed == SAMPLE[kind] else (pytest.mark.faults,)
            yield pytest.param(kind, seed, marks=marks, id=f"{kind}-{seed}")


@dataclass
class Case:
    scenario: Scenario
    arguments: list[str]  # the job's command line
    exports: list[Path]  # what the re-run applies (none for maintenance)
    before: int | None  # watermark before the killed run (None: no table yet)
    target: int  # watermark the killed run was to reach
    most_files: int  # about how many files such a run writes (.crc files included), to spread kill cues over
    most_commits: int  # how many metadata commits it makes


def prepare(kind: str, spark, tmp_path: Path, rng: random.Random) -> Case:
    scenario = Scenario(spark, tmp_path)
    factory = ItemFactory(rng, {"pk": "S", "sk": "N"})
    live = [factory.new_item() for _ in range(40)]
    for n, item in enumerate(live):
        scenario.source.put(item, T0 - (len(live) - n) * WINDOW // 40)
    name = scenario.table.removeprefix("mirror.")
    warehouse = spark.conf.get("spark.sql.catalog.mirror.warehouse")
    apply = ["apply", "--local", "--warehouse", warehouse, "--table", name, "--key", "pk,sk"]
    full = scenario.full(T0)
    if kind == "bootstrap":
        return Case(scenario, apply + [str(full)], [full], None, T0, most_files=12, most_commits=2)
    scenario.apply(full)
    count = {"window": 1, "catch-up": 3, "maintenance": 2}[kind]
    windows = []
    for n in range(count):
        churn(scenario, factory, live, T0 + n * WINDOW, rng)
        live[0] = factory.add_attributes(live[0])  # a new column: the run commits a schema change too
        scenario.source.put(live[0], T0 + (n + 1) * WINDOW - 1)
        windows.append(scenario.window(T0 + n * WINDOW, T0 + (n + 1) * WINDOW))
    target = T0 + count * WINDOW
    if kind == "maintenance":
        scenario.apply(*windows)  # position deletes for compaction to fold in
        maintain_command = ["maintain", "--local", "--warehouse", warehouse, "--table", name]
        return Case(scenario, maintain_command, [], target, target, most_files=20, most_commits=5)
    return Case(scenario, apply + [str(w) for w in windows], windows, T0, target, most_files=26, most_commits=5)


@pytest.mark.parametrize(("kind", "seed"), list(cases()))
def test_a_job_killed_at_any_moment_leaves_an_exact_mirror_that_the_next_run_completes(spark, tmp_path, kind, seed):
    rng = random.Random(f"{kind}/{seed}")
    case = prepare(kind, spark, tmp_path, rng)
    scenario, table = case.scenario, case.scenario.table
    folder = table_folder(spark, table)
    cue = KillCue.draw(rng, case.most_files, case.most_commits, most_seconds=30.0)
    files_before = files_on_disk(folder)

    outcome = run_and_kill(case.arguments, folder, cue)

    where = f"{kind} run, seed {seed}, killed {cue}" if outcome.killed else f"{kind} run, seed {seed}, not killed"
    assert outcome.killed or outcome.returncode == 0, f"{where}: {outcome.stderr[-2000:]}"
    state = load_state(spark, table)
    found = "no table" if state is None else f"watermark {state.watermark:%H:%M:%S}"
    print(f"{where}: {found}")  # shown with -rP: the moments and states a run of the faults task covered
    if state is None:
        assert case.before is None, f"{where}: the table is gone"
    else:
        watermark = epoch_micros(state.watermark)
        assert watermark in (case.before, case.target), f"{where}: watermark {state.watermark}"
        scenario.check(watermark)  # exactly the committed state at that watermark
    unpublished = files_on_disk(folder) - files_before - files_of_main(spark, table)

    if case.exports:
        scenario.apply(*case.exports)
    else:
        maintain(spark, table.removeprefix("mirror."))
    scenario.check(case.target)
    assert not unpublished & files_of_main(spark, table), f"{where}: the re-run reads files of the killed run"

    for path in unpublished:  # orphan removal spares files younger than its 3 days: let them pass
        os.utime(path, (time.time() - 4 * DAY, time.time() - 4 * DAY))
    maintain(spark, table.removeprefix("mirror."), retain_days=0)
    assert not unpublished & files_on_disk(folder), f"{where}: maintenance left files of the killed run"
    assert not [b for b in refs(spark, table) if b.startswith(RUN_BRANCH_PREFIX)], f"{where}: a run branch is left"
    scenario.check(case.target)


def table_folder(spark, table: str) -> Path:
    warehouse = Path(urlparse(spark.conf.get("spark.sql.catalog.mirror.warehouse")).path)
    return warehouse.joinpath(*table.split(".")[1:])


def files_on_disk(folder: Path) -> set[str]:
    data = folder / "data"
    return {str(p) for p in data.rglob("*") if p.is_file() and not p.name.startswith(".")} if data.exists() else set()


def files_of_main(spark, table: str) -> set[str]:
    """Data and delete files of the table's current snapshot (none when the table does not exist)."""
    if load_state(spark, table) is None:
        return set()
    return {urlparse(r[0]).path for r in spark.sql(f"SELECT file_path FROM {table}.files").collect()}


def refs(spark, table: str) -> list[str]:
    return [r[0] for r in spark.sql(f"SELECT name FROM {table}.refs").collect()]
