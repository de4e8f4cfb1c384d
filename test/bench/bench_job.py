"""Benchmark: this project's engine side by side with Spark's own read, a hand-rolled load and the AWS
guidance scripts, on the same export files, in one run.

    npx projen bench [--items N] [--repeat R] [--with-16n] [--scripts FOLDER] [--json FILE]

Every measured step is a whole process (a fresh Python and Spark, the same Spark settings for every
system: the job's local session), timed from outside; the fastest of R repeats counts. Figures are
also given as ratios to the floor measured in the same run, since times alone say little about
another machine. Measured:
- bootstrap of a full export of N and 4N items (and 16N with --with-16n): the floor (Spark parses
  the files with a known schema, no output), a hand-rolled load (`read.json`, raw structs written to
  Iceberg), the guidance scripts (schema detection, then table creation: two jobs) and this project;
- a 1% window into the N table and into the 4N table (guidance update script; this project's apply);
- 6 windows into the N table: in one run against 6 runs (the scripts take one window a run);
- a no-op run of this project (every window already applied) against a bare session start.
The guidance scripts are run from their folder (default ../shared/reference/guidance-scripts from the
project root), never copied: guidance_shim.py moves only their I/O to local folders.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from machine import caption, describe
from processes import ROOT, Runner, Snapshot, fastest
from report import Results, as_json, markdown
from systems import CREATE, DETECT, UPDATE, Engine, Guidance
from workload import Source, build_source

DEFAULT_SCRIPTS = ROOT.parent / "shared" / "reference" / "guidance-scripts"
DEFAULT_JSON = Path(tempfile.gettempdir()) / "dynamo-iceberg-mirror-bench.json"


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--items", type=int, default=20_000, help="N, the smallest table (default 20,000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each step; the fastest counts (default 2)")
    parser.add_argument("--changed", type=float, default=0.01, help="fraction of items a window changes")
    parser.add_argument("--windows", type=int, default=6, help="windows applied in one run against as many runs")
    parser.add_argument("--with-16n", action="store_true", help="also bootstrap 16N items")
    parser.add_argument("--scripts", type=Path, default=DEFAULT_SCRIPTS, help="folder of the guidance scripts")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    parser.add_argument("--work", type=Path, help="working folder, kept (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    missing = [s for s in (DETECT, CREATE, UPDATE) if not (args.scripts / s).is_file()]
    if missing:
        parser.error(f"--scripts {args.scripts}: missing {', '.join(missing)}")
    return args


def bootstrap(args, runner: Runner, work: Path, results: Results, source: Source) -> tuple[Guidance, Engine]:
    """Each system bootstraps the source's full export; returns the two mirrors, left bootstrapped."""
    size, data_files = source.items, source.data_files()
    print(f"bootstrap of {size:,} items", flush=True)
    native = work / f"native-{size}"
    results.bootstrap["floor"][size] = fastest(
        args.repeat, lambda: runner.python(f"floor {size}", "step_floor.py", *data_files)[0]
    )
    results.bootstrap["native"][size] = fastest(
        args.repeat,
        lambda: runner.python(f"native {size}", "step_native.py", str(native), *data_files)[0],
        lambda: shutil.rmtree(native, ignore_errors=True),
    )
    guidance = Guidance(runner, source, args.scripts, work / f"lake-{size}")
    results.bootstrap["guidance"][size] = fastest(args.repeat, guidance.bootstrap, guidance.reset)
    engine = Engine(runner, source, work / f"engine-{size}")
    results.bootstrap["engine"][size] = fastest(args.repeat, engine.bootstrap, engine.reset)
    return guidance, engine


def one_window(args, results: Results, guidance: Guidance, engine: Engine) -> None:
    """The source's first window onto each bootstrapped table, the tables put back before each run."""
    size, window = engine.source.items, engine.source.windows[0]
    print(f"a window into {size:,} items", flush=True)
    lake, warehouse = Snapshot(guidance.lake), Snapshot(engine.warehouse)
    results.window["guidance"][size] = fastest(
        args.repeat, lambda: guidance.update(f"guidance window {size}", window), lake.restore
    )
    results.window["engine"][size] = fastest(
        args.repeat, lambda: engine.apply(f"engine window {size}", [window]), warehouse.restore
    )
    lake.restore()  # the tables as bootstrapped, for what follows
    warehouse.restore()


def several_windows(args, results: Results, guidance: Guidance, engine: Engine) -> None:
    """All the source's windows: in one run and in one run each; then a run with every window applied."""
    windows, count = engine.source.windows, len(engine.source.windows)
    print(f"{count} windows into {engine.source.items:,} items", flush=True)
    lake, warehouse = Snapshot(guidance.lake), Snapshot(engine.warehouse)
    results.several["engine_one_run"] = fastest(
        args.repeat, lambda: engine.apply(f"engine {count} windows", windows), warehouse.restore
    )
    results.several["engine_runs"] = fastest(
        args.repeat,
        lambda: sum(engine.apply(f"engine window {i + 1} of {count}", [w]) for i, w in enumerate(windows)),
        warehouse.restore,
    )
    results.several["guidance_runs"] = fastest(
        args.repeat,
        lambda: sum(guidance.update(f"guidance window {i + 1} of {count}", w) for i, w in enumerate(windows)),
        lake.restore,
    )
    print("a no-op run", flush=True)
    warehouse.restore()
    engine.apply("engine applies all windows (untimed)", windows)
    results.noop = fastest(args.repeat, lambda: engine.apply("engine no-op", windows))


def main(argv: list[str]) -> int:
    args = arguments(argv)
    n = args.items
    sizes = [n, 4 * n] + ([16 * n] if args.with_16n else [])
    changes = max(1, int(n * args.changed))
    work = args.work or Path(tempfile.mkdtemp(prefix="mirror-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        print(f"exports of {', '.join(f'{s:,}' for s in sizes)} items in {work}", flush=True)
        # Windows of the same number of changes (1% of N): all of them on N, one on 4N, none on 16N.
        windows = dict(zip(sizes, [args.windows, 1, 0]))
        sources = {s: build_source(work / f"exports-{s}", s, windows[s], changes / s) for s in sizes}
        runner = Runner(work / "logs")
        results = Results(sizes=sizes, changes=changes, windows=args.windows)
        runner.python("warm-up", "step_session.py")  # untimed: class loading and file caches
        results.session = fastest(args.repeat, lambda: runner.python("session start", "step_session.py")[0])
        mirrors = {size: bootstrap(args, runner, work, results, source) for size, source in sources.items()}
        for size in sizes[:2]:
            one_window(args, results, *mirrors[size])
        several_windows(args, results, *mirrors[n])
        results.notes += mirrors[n][0].notes + mirrors[4 * n][0].notes
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    machine = describe()
    day = datetime.now(timezone.utc).date().isoformat()
    table = markdown(results)
    print(f"\n{n:,} items, fastest of {args.repeat} runs each, {caption(machine)}, {day}\n\n{table}")
    document = {"date": day, "machine": machine, "arguments": {**vars(args), "scripts": str(args.scripts)},
                "minutes": (time.perf_counter() - started) / 60, **as_json(results), "table": table}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nresults: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
