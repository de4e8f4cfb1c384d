"""Progress for a person at a terminal: what a local run is about to read, and Spark's stage bar.

Shown on stderr, and only when stderr is a terminal (or DYNAMO_ICEBERG_MIRROR_PROGRESS=1 forces it), so
that stdout stays the run's result and tests, CI and EMR Serverless's logs never carry it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlparse

from .errors import MirrorError
from .manifest import read_export
from .storage import Storage

# `1` shows progress, `0` hides it; unset, it follows whether stderr is a terminal.
PROGRESS_VARIABLE = "DYNAMO_ICEBERG_MIRROR_PROGRESS"


def progress_shown(stream: TextIO | None = None) -> bool:
    forced = os.environ.get(PROGRESS_VARIABLE, "")
    if forced in ("0", "1"):
        return forced == "1"
    return (sys.stderr if stream is None else stream).isatty()


def show(text: str) -> None:
    if progress_shown():
        print(text, file=sys.stderr, flush=True)


def console_progress() -> str:
    """`spark.ui.showConsoleProgress`: Spark's `[Stage 3:==>   (2 + 2) / 4]` bar, on a terminal only."""
    return "true" if progress_shown() else "false"


def show_export(location: str, indent: str = "") -> None:
    """`full export X at T: 4 data files, 1,234 lines to read`, for an export folder on this machine."""
    if not progress_shown():
        return
    try:
        export = read_export(LocalFiles(), location)
    except (MirrorError, OSError):
        return  # the run itself reports what is wrong with the export
    files, lines = len(export.data_files), export.item_count
    show(f"{indent}{export.describe()}: {_counted(files, 'data file')}, {_counted(lines, 'line')} to read")


def announce_local_run(argv: Sequence[str]) -> None:
    """Before the command line starts a local Spark session: the exports it will read, then that Spark starts."""
    if not progress_shown():
        return
    from .main import parser

    try:
        # A wrong argument is the run's to report, once.
        with contextlib.redirect_stderr(io.StringIO()):
            args = parser().parse_args(argv)
    except SystemExit:
        return
    if not args.local:
        return
    for location in getattr(args, "exports", None) or ([args.export] if getattr(args, "export", None) else []):
        show_export(location)
    show("starting Spark (local mode)")


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class LocalFiles(Storage):
    """Storage's reads on this machine's files, so that manifests can be read before Spark starts."""

    def __init__(self) -> None:  # no Spark session: plain files only
        pass

    def exists(self, uri: str) -> bool:
        return _local_path(uri).exists()

    def read_bytes(self, uri: str) -> bytes:
        return _local_path(uri).read_bytes()


def _local_path(uri: str) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise OSError(f"{uri}: not a file on this machine")
    return Path(unquote(parsed.path))
