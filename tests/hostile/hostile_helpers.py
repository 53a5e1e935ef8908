"""Helpers for the hostile-input suite: run ``kg`` bounded in time and memory, and measure it.

Every ``kg`` process of the suite runs through :func:`run_kg`: in its own process with an
address-space limit (``RLIMIT_AS``) and a wall-clock timeout, and its peak resident memory is
read from ``wait4`` and checked against :data:`PEAK_MB`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

KG = [sys.executable, "-m", "kg.cli"]
PEAK_MB = 500  # the most resident memory any kg process of the suite may use
ADDRESS_SPACE = 3 * 1024**3  # RLIMIT_AS for each kg process: a runaway dies instead of swapping
PEAKS: list[tuple[str, float]] = []  # (command, peak MB) of every run, for the suite's report


@dataclass
class Run:
    """The outcome of one bounded ``kg`` run."""

    code: int
    out: str
    err: str
    peak_mb: float
    timed_out: bool

    def __str__(self) -> str:
        return f"exit {self.code}, peak {self.peak_mb:.0f} MB\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}"


# A small launcher between the test and the measured command: it sets the address-space limit,
# starts the command as its own child and reports the child's peak RSS from wait4. (Measured
# directly, a child forked from the big pytest process would count pytest's pages as its own.)
_LAUNCHER = """
import os, resource, signal, sys
limit, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
pid = os.posix_spawn(sys.argv[3], sys.argv[3:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as handle:
    handle.write(str(usage.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_kg(
    *args: str,
    store: Path | str | None = None,
    timeout: float = 30.0,
    env: dict | None = None,
    stdin: bytes | None = None,
    address_space: int = ADDRESS_SPACE,
    cwd: Path | None = None,
) -> Run:
    """Run ``kg ARGS`` with a time and memory bound; the result with its peak RSS in MB."""
    command = list(KG)
    if store is not None:
        command += ["--store", str(store)]
    command += [str(a) for a in args]
    return run_bounded(command, timeout=timeout, env=env, stdin=stdin, address_space=address_space, cwd=cwd)


def run_python(code: str, timeout: float = 30.0, env: dict | None = None) -> Run:
    """Run a Python snippet (using kg as a library) with the same bounds as :func:`run_kg`."""
    return run_bounded([sys.executable, "-c", code], timeout=timeout, env=env)


def run_bounded(
    command: list[str],
    *,
    timeout: float = 30.0,
    env: dict | None = None,
    stdin: bytes | None = None,
    address_space: int = ADDRESS_SPACE,
    cwd: Path | None = None,
) -> Run:
    """Run a command in its own process group, bounded in time and address space; measure it."""
    args = command[3:] if command[:3] == KG else command[1:]
    full_env = {**os.environ, "KG_OFFLINE": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as report:
        process = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER, str(address_space), report.name, *command],
            stdout=out,
            stderr=err,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            env=full_env,
            cwd=cwd,
            start_new_session=True,  # its own process group, so a timeout can kill its workers too
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        if stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
        process.wait()
        timer.cancel()
        out.seek(0)
        err.seek(0)
        measured = Path(report.name).read_text().strip()
        run = Run(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            int(measured) / 1024 if measured else 0.0,
            timed_out.is_set(),
        )
    _record(" ".join(str(a)[:60] for a in args).replace("\n", " ")[:200], run.peak_mb)
    assert not run.timed_out, f"kg {' '.join(args)} did not finish within {timeout} s\n{run}"
    assert run.peak_mb <= PEAK_MB, f"kg {' '.join(args)} used {run.peak_mb:.0f} MB (limit {PEAK_MB})\n{run}"
    return run


def peak_of_pid(pid: int, label: str) -> float:
    """The peak resident memory (VmHWM) of a running process in MB, recorded and checked."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
    _record(label, peak)
    assert peak <= PEAK_MB, f"{label} used {peak:.0f} MB (limit {PEAK_MB})"
    return peak


def _record(label: str, peak_mb: float) -> None:
    PEAKS.append((label, peak_mb))
    log = os.environ.get("KG_HOSTILE_PEAKS")  # a file to collect every peak of a suite run
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{peak_mb:.1f}\t{label}\n")


def store_digest(store: Path) -> str:
    """A digest of the store's content (all quads, sorted), or 'absent' when there is none."""
    if not Path(store).exists():
        return "absent"
    from kg.store import open_store

    opened = open_store(str(store), read_only=True)
    try:
        import io

        buffer = io.BytesIO()
        opened.export(buffer, "nq")
    finally:
        opened.close()
    lines = sorted(buffer.getvalue().splitlines())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def one_line_error(run: Run) -> str:
    """The run's 'error: …' line (there must be exactly one, and no traceback)."""
    assert "Traceback" not in run.err, run
    assert "internal error" not in run.err, run
    lines = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, run
    assert len(lines[0]) < 2000, f"error message of {len(lines[0])} characters"
    return lines[0]


TEST_SECONDS = 90  # no hostile test may run longer (each kg process has its own, shorter timeout)


@pytest.fixture(autouse=True)
def time_bound():
    """Fail a test that runs past :data:`TEST_SECONDS` (SIGALRM in the main thread), so a hang in
    an in-process server or client shows as a failure, not as a stuck suite. Import it into a
    test module to apply it there."""
    import signal

    def expired(signum, frame):
        raise TimeoutError(f"the test ran longer than {TEST_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, TEST_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
