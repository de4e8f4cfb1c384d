"""The systems compared, each as the processes a run of it starts: this project's engine, and the guidance
scripts run from their folder through the shim."""

from __future__ import annotations

import shutil
from pathlib import Path

from processes import Runner
from workload import KEY, Source

TABLE = "bench.orders"
GUIDANCE_TABLE = "orders"
DETECT = "detect_schema_from_full_export.py"
CREATE = "create_iceberg_from_full_export.py"
UPDATE = "update_iceberg_from_incremental_export.py"
GUIDANCE_NO_CHANGES = "Incremental export includes no changes to process"


class Engine:
    """This project: the job's `apply` in local mode, into a Hadoop catalog warehouse."""

    def __init__(self, runner: Runner, source: Source, warehouse: Path):
        self.runner, self.source, self.warehouse = runner, source, warehouse

    def reset(self) -> None:
        shutil.rmtree(self.warehouse, ignore_errors=True)

    def apply(self, label: str, exports: list[Path]) -> float:
        arguments = ["apply", "--local", "--warehouse", str(self.warehouse), "--table", TABLE, "--key", ",".join(KEY)]
        return self.runner.job(label, *arguments, *map(str, exports))[0]

    def bootstrap(self) -> float:
        return self.apply(f"engine bootstrap {self.source.items}", [self.source.full])


class Guidance:
    """The guidance scripts: schema detection and table creation (two jobs), then one update job per window.
    Their lake (schema file and warehouse) is the bucket folder `lake`."""

    def __init__(self, runner: Runner, source: Source, scripts: Path, lake: Path):
        self.runner, self.source, self.scripts, self.lake = runner, source, scripts, lake
        self.notes: list[str] = []

    def reset(self) -> None:
        shutil.rmtree(self.lake, ignore_errors=True)
        self.lake.mkdir(parents=True)

    def _run(self, label: str, script: str, *arguments: str) -> tuple[float, str]:
        buckets = [f"--bucket={self.source.bucket.name}={self.source.bucket}", f"--bucket={self.lake.name}={self.lake}"]
        return self.runner.python(label, "guidance_shim.py", *buckets, str(self.scripts / script), *arguments)

    @property
    def _schema(self) -> str:
        return f"s3://{self.lake.name}/schema.json"

    @property
    def _warehouse(self) -> str:
        return f"s3://{self.lake.name}/warehouse/"

    def bootstrap(self) -> float:
        full = self.source.s3_uri(self.source.full)
        items = self.source.items
        detect = self._run(f"guidance detect {items}", DETECT, full, self._schema)[0]
        create = self._run(f"guidance create {items}", CREATE, full, self._schema, GUIDANCE_TABLE, self._warehouse)[0]
        return detect + create

    def update(self, label: str, window: Path) -> float:
        seconds, output = self._run(
            label, UPDATE, self.source.s3_uri(window), self._schema, GUIDANCE_TABLE, self._warehouse
        )
        if GUIDANCE_NO_CHANGES in output:  # the script stops at an empty first data file, skipping the window
            self.notes.append(f"{label}: the script exited early ({GUIDANCE_NO_CHANGES!r})")
        return seconds
