"""The job as a process of its own (Python driver, its JVM and Python workers), killed with SIGKILL on cue.

The job starts in a new session, so one `killpg` reaches the driver, the JVM that spark-submit starts and the
workers the JVM forks: nothing gets to run a `finally`, a shutdown hook or a cleanup.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class KillCue:
    """When to kill: `delay` seconds after the `count`-th new file under the watched folder (any file, or
    with `commits` only Iceberg metadata files: one per commit), or with `count` None after the start."""

    count: int | None
    delay: float
    commits: bool = False

    @classmethod
    def draw(cls, rng: random.Random, most_files: int, most_commits: int, most_seconds: float) -> KillCue:
        """Most cues land around files and commits, where a crash can hurt; the rest anywhere in time."""
        delay = rng.choice([0.0, rng.uniform(0.0, 0.5)])
        kind = rng.random()
        if kind < 0.35:
            return cls(rng.randint(1, most_files), delay)
        if kind < 0.7:
            return cls(rng.randint(1, most_commits), delay, commits=True)
        return cls(None, rng.uniform(0.0, most_seconds))

    def __str__(self) -> str:
        if self.count is None:
            return f"{self.delay:.2f} s after the start"
        return f"{self.delay:.2f} s after the {self.count}th new {'commit' if self.commits else 'file'}"


@dataclass
class JobOutcome:
    killed: bool
    returncode: int
    stdout: str
    stderr: str


def job_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "mirror_job", *arguments]


def start_job(*arguments: str) -> subprocess.Popen:
    environment = dict(os.environ)
    paths = [str(ROOT / "assets" / "spark"), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return subprocess.Popen(
        job_command(*arguments),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process: subprocess.Popen, timeout: float = 600) -> JobOutcome:
    stdout, stderr = process.communicate(timeout=timeout)
    return JobOutcome(False, process.returncode, stdout, stderr)


def run_and_kill(arguments: list[str], watched: Path, cue: KillCue, timeout: float = 600) -> JobOutcome:
    """Runs the job and kills it on `cue`; a job that ends first is simply finished (not killed)."""
    process = start_job(*arguments)
    before = _count(watched, cue.commits)
    started = time.monotonic()
    deadline = None if cue.count is not None else started + cue.delay
    while process.poll() is None:
        now = time.monotonic()
        if deadline is None and _count(watched, cue.commits) - before >= cue.count:
            deadline = now + cue.delay
        if deadline is not None and now >= deadline:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            return JobOutcome(True, process.returncode, stdout, stderr)
        if now - started > timeout:
            os.killpg(process.pid, signal.SIGKILL)
            raise TimeoutError(f"the job ran longer than {timeout} s: {arguments}")
        time.sleep(0.01)
    return finish(process)


def _count(folder: Path, commits: bool) -> int:
    """Files under the folder; with `commits`, only Iceberg's metadata files (`vN.metadata.json`)."""
    return sum(
        1 for _, _, files in os.walk(folder) for name in files if not commits or name.endswith(".metadata.json")
    )
