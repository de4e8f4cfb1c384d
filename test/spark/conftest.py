"""One local Spark session (with the Iceberg runtime) shared by every test; a fresh warehouse per run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "assets" / "spark"), str(ROOT / "assets" / "local")]


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from mirror_job.session import catalog_settings, local_session

    warehouse = tmp_path_factory.mktemp("warehouse").as_uri()
    session = local_session("dynamo-iceberg-mirror-tests", catalog_settings("hadoop", warehouse))
    yield session
    session.stop()


def pytest_addoption(parser):
    parser.addoption("--faults", action="store_true", help="also run every seeded fault-injection case")


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: a fault-injection case beyond the default seeded sample")
    config.addinivalue_line("markers", "planted_faults: the test leaves its mirror different on purpose")
    for tier, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{tier}: {meaning}")


# Every test gets one tier, so that `-m unit` runs in seconds; the full suite runs all three.
TIERS = {
    "unit": "no Spark: pure functions of the job and the test support (seconds)",
    "spark": "drives exports through the job on the shared local Spark session",
    "e2e": "whole processes: the demo, or the synthesized state machine against the AWS emulator",
}
E2E_MODULES = {"test_demo", "test_pipeline_end_to_end"}


def pytest_collection_modifyitems(config, items):
    """Marks each test's tier; fault-injection cases beyond the sample run only with --faults."""
    for item in items:
        if item.module.__name__ in E2E_MODULES:
            item.add_marker(pytest.mark.e2e)
        else:
            item.add_marker(pytest.mark.spark if "spark" in item.fixturenames else pytest.mark.unit)
    if config.getoption("--faults"):
        return
    kept = [item for item in items if item.get_closest_marker("faults") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def verified_at_the_end(request):
    """After a test that passed, the job's `verify` must find the last mirror it checked equal to a fresh full
    export at that watermark: the mirror's own proof agrees with the oracle on every mirror the tests build."""
    import harness

    harness.checked.clear()
    yield
    passed = getattr(request.node, "report_call", None) is not None and request.node.report_call.passed
    if passed and harness.checked and request.node.get_closest_marker("planted_faults") is None:
        scenario, watermark = harness.checked[-1]
        report = scenario.verify(watermark)
        assert (report["missing"], report["extra"], report["different"]) == (0, 0, 0), report
    harness.checked.clear()
