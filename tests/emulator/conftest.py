"""Fixtures: build failover-emulator once, start fresh instances on free loopback ports, dump logs on failure."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from emu import LOG_FILES, REPO, Emulator

_live: list[Emulator] = []


@pytest.fixture(scope="session", autouse=True)
def _remove_emulator_logs():
    """Logs matter only for failing tests, whose reports already carry their tails."""
    yield
    for path in LOG_FILES:
        Path(path).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def emulator_bin() -> str:
    """Path of the emulator binary: $FAILOVER_EMULATOR_BIN, or `cargo build -p failover-emulator`."""
    given = os.environ.get("FAILOVER_EMULATOR_BIN")
    if given:
        assert Path(given).is_file(), f"FAILOVER_EMULATOR_BIN={given} does not exist"
        return given
    build = subprocess.run(
        ["cargo", "build", "-q", "-p", "failover-emulator"],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    if build.returncode != 0:
        pytest.fail(f"cargo build -p failover-emulator failed:\n{build.stderr[-6000:]}", pytrace=False)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target / "debug" / "failover-emulator"
    assert binary.is_file(), f"{binary} missing after build"
    return str(binary)


@pytest.fixture(scope="module")
def start_module_emulator(emulator_bin):
    """Factory like start_emulator, but the instances live for the whole module."""
    started: list[Emulator] = []

    def start(*args: str, **kw) -> Emulator:
        emu = Emulator(emulator_bin, list(args), **kw).start()
        started.append(emu)
        _live.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()
        _live.remove(emu)


@pytest.fixture
def start_emulator(emulator_bin):
    """Factory: start_emulator('--faults', 'throttle=1.0', time_scale=60) -> a running Emulator."""
    started: list[Emulator] = []

    def start(*args: str, **kw) -> Emulator:
        emu = Emulator(emulator_bin, list(args), **kw).start()
        started.append(emu)
        _live.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()
        _live.remove(emu)


@pytest.fixture(scope="module")
def emulator(emulator_bin):
    """One emulator with the default topology, shared by a module's read-only tests."""
    emu = Emulator(emulator_bin, ["--topology", "default"]).start()
    _live.append(emu)
    yield emu
    emu.stop()
    _live.remove(emu)


@pytest.fixture
def fresh_emulator(start_emulator) -> Emulator:
    """A private emulator for a test that changes state."""
    return start_emulator("--topology", "default")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for i, emu in enumerate(_live):
            status = "running" if emu.alive() else f"exited with {emu.proc.returncode if emu.proc else '?'}"
            report.sections.append(
                (f"failover-emulator #{i} on port {emu.port} ({status}) log tail", emu.log_text(8000))
            )
    return report
