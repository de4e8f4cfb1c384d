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
    """When to kill: once `files` new files exist under the watched folder (the job's commits and data
    files), `delay` seconds after that; or, with `files` None, `delay` seconds after the start."""

    files: int | None
    delay: float

    @classmethod
    def draw(cls, rng: random.Random, most_files: int, most_seconds: float) -> KillCue:
        if rng.random() < 0.6:  # most cues land around commits, where a crash can hurt
            return cls(rng.randint(1, most_files), rng.choice([0.0, rng.uniform(0.0, 0.5)]))
        return cls(None, rng.uniform(0.0, most_seconds))

    def __str__(self) -> str:
        if self.files is None:
            return f"{self.delay:.2f} s after the start"
        return f"{self.delay:.2f} s after the {self.files}th new file"


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
    before = _count_files(watched)
    started = time.monotonic()
    deadline = None if cue.files is not None else started + cue.delay
    while process.poll() is None:
        now = time.monotonic()
        if deadline is None and _count_files(watched) - before >= cue.files:
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


def _count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))
