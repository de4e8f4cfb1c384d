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


def pytest_addoption(parser):
    parser.addoption("--faults", action="store_true", help="also run every seeded fault-injection case")


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: a fault-injection case beyond the default seeded sample")


def pytest_collection_modifyitems(config, items):
    """Fault-injection cases beyond the sample run only with --faults (`npx projen test:faults`)."""
    if config.getoption("--faults"):
        return
    kept = [item for item in items if item.get_closest_marker("faults") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
