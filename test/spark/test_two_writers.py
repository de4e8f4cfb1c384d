"""Two writers on one table: a run that another writer overtakes is refused with nothing committed.

The construct serializes its runs (the run lease); these cases are two local commands, or a job started by
hand next to the schedule. First each interleaving that matters, forced in one process; then real processes
at once, where whichever way the race goes the table is exact and the re-run completes it.
"""

from __future__ import annotations

import random

import pytest
from harness import T0
from mirror_job import merge
from mirror_job.errors import ConcurrentWriterError
from mirror_job.maintenance import maintain
from mirror_job.publish import RUN_BRANCH_PREFIX
from mirror_job.reader import epoch_micros
from mirror_job.table import load_state
from support.job_process import finish, start_job
from test_windows import WINDOW, churn, populated


def two_windows(spark, tmp_path, seed: int):
    """A bootstrapped mirror and two windows after it; the first brings a new attribute (a new column)."""
    scenario, factory, live = populated(spark, tmp_path, seed=seed, items=30)
    rng = random.Random(seed)
    windows = []
    for n in range(2):
        churn(scenario, factory, live, T0 + n * WINDOW, rng)
        if n == 0:
            live[0] = factory.add_attributes(live[0], n=2)
            scenario.source.put(live[0], T0 + WINDOW - 1)
        windows.append(scenario.window(T0 + n * WINDOW, T0 + (n + 1) * WINDOW))
    return scenario, windows


def overtaken_by(monkeypatch, other_writer):
    """Makes the next apply run `other_writer` to its end just before its own commit."""
    publish = merge.publish_run
    pending = [other_writer]

    def publish_after_the_other_writer(*arguments):
        if pending:
            pending.pop()()
        publish(*arguments)

    monkeypatch.setattr(merge, "publish_run", publish_after_the_other_writer)


def test_an_apply_overtaken_by_another_apply_is_refused_and_the_table_is_the_winners(spark, tmp_path, monkeypatch):
    scenario, (first, second) = two_windows(spark, tmp_path, seed=31)
    won = []
    overtaken_by(monkeypatch, lambda: won.append(scenario.apply(first, second)))

    with pytest.raises(ConcurrentWriterError, match="another writer committed .* nothing of this run was committed"):
        scenario.apply(first)

    assert [r.action for r in won[0]] == ["applied", "applied"]
    # The winner filled the columns the loser had added: they stay, values and all.
    scenario.check(T0 + 2 * WINDOW)
    assert run_branches(spark, scenario.table) == []
    (again,) = scenario.apply(first)
    assert again.action == "skipped"
    scenario.check(T0 + 2 * WINDOW)


def test_an_apply_overtaken_by_maintenance_is_refused_and_applies_on_the_next_run(spark, tmp_path, monkeypatch):
    scenario, (first, second) = two_windows(spark, tmp_path, seed=32)
    scenario.apply(first)  # position deletes, so that compaction commits
    overtaken_by(monkeypatch, lambda: maintain(spark, scenario.table.removeprefix("mirror.")))
    before = load_state(spark, scenario.table)

    with pytest.raises(ConcurrentWriterError):
        scenario.apply(second)

    after = load_state(spark, scenario.table)
    assert after.snapshot_id != before.snapshot_id, "maintenance did not commit: the case proves nothing"
    scenario.check(T0 + WINDOW)
    monkeypatch.undo()
    scenario.apply(second)
    scenario.check(T0 + 2 * WINDOW)


@pytest.mark.parametrize("other", ["apply", "maintain"])
def test_two_processes_at_once_leave_an_exact_table_that_the_next_run_completes(spark, tmp_path, other):
    scenario, (first, second) = two_windows(spark, tmp_path, seed=33)
    if other == "maintain":
        scenario.apply(first)
    name = scenario.table.removeprefix("mirror.")
    target = ["--local", "--warehouse", spark.conf.get("spark.sql.catalog.mirror.warehouse"), "--table", name]
    apply = ["apply", *target, "--key", "pk,sk"]
    second_writer = apply + [str(first)] if other == "apply" else ["maintain", *target]
    commands = [apply + [str(first), str(second)], second_writer]

    outcomes = [finish(process) for process in [start_job(*command) for command in commands]]

    for command, outcome in zip(commands, outcomes):
        refused = outcome.returncode == 2 and "another writer" in outcome.stderr
        assert outcome.returncode == 0 or refused, f"{command[0]}: {outcome.stderr[-2000:]}"
    state = load_state(spark, scenario.table)
    scenario.check(epoch_micros(state.watermark))  # exact at whatever watermark won
    scenario.apply(first, second)
    scenario.check(T0 + 2 * WINDOW)


def run_branches(spark, table: str) -> list[str]:
    names = [r[0] for r in spark.sql(f"SELECT name FROM {table}.refs").collect()]
    return [n for n in names if n.startswith(RUN_BRANCH_PREFIX)]
