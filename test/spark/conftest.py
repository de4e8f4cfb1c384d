"""One local Spark session (with the Iceberg runtime) shared by every test; a fresh warehouse per run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "assets" / "spark"), str(ROOT / "assets" / "local")]


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from mirror_job.session import configure_catalog, local_session

    session = local_session("dynamo-iceberg-mirror-tests")
    configure_catalog(session, "hadoop", tmp_path_factory.mktemp("warehouse").as_uri())
    yield session
    session.stop()
