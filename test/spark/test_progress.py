"""Progress lines and Spark's stage bar: on a terminal (or when forced), never in captured output."""

from __future__ import annotations

import os
import pty

import pytest
from dynamo_local.exports import ExportWriter, read_manifest_files, read_summary
from dynamo_local.simulated_table import SimulatedTable
from mirror_job.progress import PROGRESS_VARIABLE, announce_local_run, console_progress, progress_shown, show_export

T0 = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z, micros
MINUTE = 60_000_000
ARN = "arn:aws:dynamodb:eu-north-1:123456789012:table/orders"


@pytest.fixture
def exports(tmp_path):
    """A full export of two items and a window of one change, in the AWS layout."""
    source = SimulatedTable(["pk"])
    source.put({"pk": {"S": "a"}}, T0 - 2 * MINUTE)
    source.put({"pk": {"S": "b"}}, T0 - MINUTE)
    writer = ExportWriter(tmp_path / "bucket", ARN, seed=7)
    full = writer.full_export(source, T0)
    source.delete({"pk": {"S": "a"}}, T0 + MINUTE)
    window = writer.incremental_export(source, T0, T0 + 15 * MINUTE)
    return full, window


def apply_argv(*exports) -> list[str]:
    return ["apply", "--local", "--warehouse", "w", "--table", "shop.orders", "--key", "pk", *map(str, exports)]


def test_a_terminal_shows_progress_and_anything_else_does_not(monkeypatch, tmp_path):
    monkeypatch.delenv(PROGRESS_VARIABLE, raising=False)
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal, open(tmp_path / "log", "w") as file:
        assert progress_shown(terminal)
        assert not progress_shown(file)
    os.close(leader)


def test_the_variable_forces_progress_on_or_off(monkeypatch, tmp_path):
    with open(tmp_path / "log", "w") as file:
        monkeypatch.setenv(PROGRESS_VARIABLE, "1")
        assert progress_shown(file) and console_progress() == "true"
        monkeypatch.setenv(PROGRESS_VARIABLE, "0")
        assert not progress_shown() and console_progress() == "false"


def test_forced_progress_names_each_export_its_files_and_lines_then_spark(monkeypatch, capsys, exports):
    full, window = exports
    monkeypatch.setenv(PROGRESS_VARIABLE, "1")
    announce_local_run(apply_argv(full, window))
    out, err = capsys.readouterr()
    assert out == ""
    files = [f"{n} data file{'' if n == 1 else 's'}" for n in (len(read_manifest_files(e)) for e in exports)]
    ids = [read_summary(export)["exportArn"].rsplit("/", 1)[-1] for export in exports]
    assert err.splitlines() == [
        f"full export {ids[0]} at 2026-01-14T10:18:50.622Z: {files[0]}, 2 lines to read",
        f"incremental export {ids[1]} [2026-01-14T10:18:50.622Z, 2026-01-14T10:33:50.622Z): {files[1]}, 1 line to read",
        "starting Spark (local mode)",
    ]


def test_the_demo_indents_its_export_lines_like_its_story(monkeypatch, capsys, exports):
    monkeypatch.setenv(PROGRESS_VARIABLE, "1")
    show_export(str(exports[1]), indent="      ")
    assert capsys.readouterr().err.startswith("      incremental export ")


def test_without_a_terminal_nothing_is_printed(monkeypatch, capsys, exports):
    monkeypatch.delenv(PROGRESS_VARIABLE, raising=False)  # pytest captures stderr: no terminal
    announce_local_run(apply_argv(*exports))
    show_export(str(exports[0]))
    assert capsys.readouterr() == ("", "")
    assert console_progress() == "false"


def test_forced_progress_leaves_wrong_arguments_and_missing_exports_to_the_run(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(PROGRESS_VARIABLE, "1")
    announce_local_run(["apply", "--local", "--warehouse", "w"])  # no --table, --key or export
    assert capsys.readouterr() == ("", "")
    announce_local_run(apply_argv(tmp_path / "nothing-here"))
    assert capsys.readouterr().err == "starting Spark (local mode)\n"
    announce_local_run([a for a in apply_argv(tmp_path) if a != "--local"])  # not local: EMR Serverless's run
    assert capsys.readouterr() == ("", "")


class RecordingBuilder:
    """SparkSession.builder's chain, recording the settings instead of starting a JVM."""

    def __init__(self):
        self.settings: dict[str, str] = {}

    def appName(self, name):  # noqa: N802 (Spark's name)
        return self

    def master(self, master):
        return self

    def config(self, key, value):
        self.settings[key] = value
        return self

    def getOrCreate(self):  # noqa: N802 (Spark's name)
        class Context:
            def setLogLevel(self, level):  # noqa: N802 (Spark's name)
                pass

        return type("Session", (), {"sparkContext": Context()})()


@pytest.mark.parametrize("forced, shown", [("1", "true"), ("0", "false"), (None, "false")])
def test_the_local_session_shows_sparks_stage_bar_only_with_progress(monkeypatch, forced, shown):
    from mirror_job.session import local_session
    from pyspark.sql import SparkSession

    builder = RecordingBuilder()
    monkeypatch.setattr(SparkSession, "builder", builder)
    monkeypatch.setenv("PYTHONPATH", os.environ.get("PYTHONPATH", ""))  # local_session extends it
    if forced is None:
        monkeypatch.delenv(PROGRESS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PROGRESS_VARIABLE, forced)
    local_session()
    assert builder.settings["spark.ui.showConsoleProgress"] == shown
