"""Whole processes, timed from outside: each measured step is a fresh Python process with its own Spark."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


class StepFailed(RuntimeError):
    pass


class Runner:
    """Runs steps as processes of this Python; every step's output goes to a log file under `logs`."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.count = 0
        paths = [str(ROOT / "assets" / "spark"), str(HERE), os.environ.get("PYTHONPATH", "")]
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}

    def run(self, label: str, arguments: Sequence[str]) -> tuple[float, str]:
        """Seconds the process took, and its output (stdout and stderr)."""
        self.count += 1
        log = self.logs / f"{self.count:03d}-{label.replace(' ', '_')}.log"
        started = time.perf_counter()
        with log.open("w") as out:
            code = subprocess.call([sys.executable, *arguments], stdout=out, stderr=subprocess.STDOUT, env=self.env)
        seconds = time.perf_counter() - started
        output = log.read_text(errors="replace")
        if code != 0:
            raise StepFailed(f"{label}: exit {code}, see {log}\n" + "\n".join(output.splitlines()[-15:]))
        print(f"  {label}: {seconds:.2f} s", flush=True)
        return seconds, output

    def python(self, label: str, script: str, *arguments: str) -> tuple[float, str]:
        return self.run(label, [str(HERE / script), *arguments])

    def job(self, label: str, *arguments: str) -> tuple[float, str]:
        """The project's engine through the job's own entry point in local mode."""
        return self.run(label, ["-m", "mirror_job", *arguments])


def fastest(repeat: int, measure: Callable[[], float], reset: Callable[[], None] | None = None) -> float:
    """The fastest of `repeat` measurements; `reset` runs before each (untimed)."""
    times = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        times.append(measure())
    return min(times)


class Snapshot:
    """A folder saved once and put back before each measurement that changes it (Hadoop catalog tables
    are plain folders, their state included)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.saved = folder.with_name(folder.name + ".saved")
        shutil.rmtree(self.saved, ignore_errors=True)
        shutil.copytree(folder, self.saved)

    def restore(self) -> None:
        shutil.rmtree(self.folder)
        shutil.copytree(self.saved, self.folder)
