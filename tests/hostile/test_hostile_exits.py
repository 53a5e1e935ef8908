"""Honest exit codes and named errors: a full disk, a damaged store, a remote store dying in the
middle of an answer, Ctrl-C, a killed ingest's workers, a store served while written to,
article keys, ``wd:`` prefixes, duplicate articles in one run, output file permissions.

Documented codes: 0 ok, 1 does not conform, 2 bad input or usage, 3 store/network/disk, 130 Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
from hostile_helpers import KG, one_line_error, peak_of_pid, run_kg, run_python, store_digest, time_bound  # noqa: F401 - time_bound applies to every test here

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dw-japan-nato" / "facts.yaml"
SEED_TEXT = ROOT / "examples" / "dw-japan-nato" / "article.txt"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = tmp_path_factory.mktemp("hostile-exits") / "store"
    assert run_kg("ingest", SEED, store=store).code == 0
    return store


def sheets(folder: Path, count: int) -> Path:
    """``count`` distinct fact sheets (gold sheets under new URLs) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    golds = sorted(CORPUS.glob("*.gold.json"))
    for i in range(count):
        data = json.loads(golds[i % len(golds)].read_text(encoding="utf-8"))
        data["url"] = f"https://example.org/hostile/{i}"
        (folder / f"{i:04d}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def article_key(store: Path) -> str:
    run = run_kg("query", "articles", "--format", "csv", store=store)
    line = [row for row in run.out.splitlines() if "/article/" in row][0]
    return line.split("/article/")[1].split(",")[0].strip()


# --------------------------------------------------------------------------- disks and stores


def can_mount_tmpfs(where: Path) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow
def test_bulk_ingest_onto_a_full_disk_stops_with_one_line_and_the_count_stored(tmp_path):
    folder = sheets(tmp_path / "in", 120)
    small = tmp_path / "small"
    if not can_mount_tmpfs(small):
        pytest.skip("cannot mount a small tmpfs here (needs root); the fake-writer test below covers the code path")
    try:
        run = run_kg("ingest", folder, "--batch", "10", store=small / "store", timeout=60)
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)
    assert run.code == 3, run
    errors = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], run
    assert "ingest stopped" in errors[0] and "article(s) were stored in this run" in errors[0]
    assert run.err.count("failed ") <= 1  # no line per input of the failed batch
    assert "the others were stored" not in run.err


@pytest.mark.slow
def test_bulk_ingest_with_a_store_failing_mid_run_says_how_many_were_stored(tmp_path):
    folder = sheets(tmp_path / "in", 60)
    code = f"""
import errno, sys
from kg.store.oxigraph import OxigraphStore
from kg.errors import StoreError
original = OxigraphStore.apply_changes
calls = []
def failing(self, **changes):
    calls.append(1)
    if len(calls) == 3:
        raise StoreError("store x: write failed, nothing written (IO error: No space left on device)")
    return original(self, **changes)
OxigraphStore.apply_changes = failing
sys.argv = ["kg", "--store", {str(tmp_path / "store")!r}, "ingest", {str(folder)!r}, "--batch", "10"]
from kg.cli import main
main()
"""
    run = run_python(code, timeout=60)
    assert run.code == 3, run
    line = one_line_error(run)
    assert "No space left on device" in line and "20 article(s) were stored" in line, line
    assert "30 input(s) not attempted" in run.err
    rerun = run_kg("ingest", folder, "--batch", "10", store=tmp_path / "store", timeout=60)
    assert rerun.code == 0 and "40 ingested, 20 unchanged" in rerun.err, rerun


@pytest.mark.slow
def test_export_to_a_full_stdout_is_a_named_error(seeded):
    with open("/dev/full", "wb") as full:
        process = subprocess.run(
            [*KG, "--store", str(seeded), "export"], stdout=full, stderr=subprocess.PIPE, timeout=60
        )
    assert process.returncode == 3
    assert "the disk is full" in process.stderr.decode() and "internal error" not in process.stderr.decode()


def test_export_file_onto_a_full_disk_leaves_nothing_behind(seeded, tmp_path):
    target = tmp_path / "out" / "all.ttl"
    code = f"""
import errno, os, sys
def full(fd):
    raise OSError(errno.ENOSPC, "No space left on device")
os.fsync = full
sys.argv = ["kg", "--store", {str(seeded)!r}, "export", "-o", {str(target)!r}]
from kg.cli import main
main()
"""
    run = run_python(code)
    assert run.code == 3, run
    assert "the disk is full" in one_line_error(run)
    assert list(target.parent.iterdir()) == []


@pytest.mark.slow
def test_a_damaged_store_is_named_as_such(seeded, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(seeded, damaged)
    (damaged / "CURRENT").write_text("garbage\n")
    for args in (["stats"], ["query", "articles"], ["ingest", str(SEED), "--force"], ["export"]):
        run = run_kg(*args, store=damaged)
        assert run.code == 3, (args, run)
        assert "damaged" in one_line_error(run), (args, run)


class DyingServer:
    """Answers every request with a 200 that promises 100,000 bytes, sends 20, and hangs up."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/query"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    b'Content-Length: 100000\r\n\r\n{"head": {"vars": ['
                )
            except OSError:
                pass
            conn.close()


def test_a_remote_store_dying_mid_answer_is_a_named_error():
    server = DyingServer()
    try:
        run = run_kg("query", "articles", store=server.url, env={"KG_STORE_RETRIES": "0"}, timeout=60)
    finally:
        server.sock.close()
    assert run.code == 3, run
    assert "broke off" in one_line_error(run)


# --------------------------------------------------------------------------- signals and processes


@pytest.mark.slow
def test_ctrl_c_exits_130_and_keeps_whole_articles(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(400):
        shutil.copy(SEED_TEXT, folder / f"a{i:03d}.txt")
        (folder / f"a{i:03d}.txt").write_text(
            SEED_TEXT.read_text(encoding="utf-8") + f"\n\nTeil {i}.\n", encoding="utf-8"
        )
    store = tmp_path / "store"
    process = subprocess.Popen(
        [*KG, "--store", str(store), "ingest", str(folder), "--batch", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "KG_OFFLINE": "1"},
        # a shell's background job starts with SIGINT ignored, and Python keeps it so: restore it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not store.exists() and time.monotonic() < deadline:  # the store opens as ingest starts
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr.decode()
    assert "interrupted" in stderr.decode()
    assert store_digest(store) != ""  # the store opens: whole articles only


@pytest.mark.slow
def test_killing_a_parallel_ingest_leaves_no_workers_behind(tmp_path):
    folder = sheets(tmp_path / "in", 600)
    process = subprocess.Popen(
        [*KG, "--store", str(tmp_path / "store"), "ingest", str(folder), "--jobs", "2", "--batch", "20"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "KG_OFFLINE": "1"},
    )
    group = process.pid
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(group_members(group)) < 3:
            time.sleep(0.1)
        assert len(group_members(group)) >= 3, "the workers did not start"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and group_members(group):
            time.sleep(0.1)
        left = group_members(group)
        assert not left, f"processes left after the main process died: {left}"
    finally:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.slow
def test_killing_kg_serve_leaves_no_query_workers_behind(seeded):
    from servers import free_port, wait_for_port

    port = free_port()
    server = subprocess.Popen(
        [*KG, "--store", str(seeded), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    group = server.pid
    try:
        wait_for_port(port, process=server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(group_members(group)) < 3:  # server, tracker, a worker
            time.sleep(0.1)
        assert len(group_members(group)) >= 3, "the query worker did not start"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and group_members(group):
            time.sleep(0.1)
        assert not group_members(group), "query workers outlived the killed server"
    finally:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
    (seeded / "kg-serve.json").unlink(missing_ok=True)  # a killed server cannot remove its marker
    assert run_kg("ingest", str(SEED), "--force", store=seeded).code == 0  # a dead server's marker is ignored


def group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.slow
def test_the_embedded_store_refuses_writes_while_kg_serve_serves_it(seeded):
    from servers import free_port, wait_for_port

    port = free_port()
    server = subprocess.Popen(
        [*KG, "--store", str(seeded), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # stopped with SIGINT below: under a shell's background job it would start ignoring it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        wait_for_port(port, process=server)
        digest = store_digest(seeded)
        for args in (["ingest", str(SEED), "--force"], ["delete", "e33a0e041a549ff6"]):
            run = run_kg(*args, store=seeded)
            assert run.code == 3, run
            line = one_line_error(run)
            assert f"PID {server.pid}" in line and "being served by kg serve" in line, line
        assert store_digest(seeded) == digest
        peak_of_pid(server.pid, "kg serve")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(20)
    assert not (seeded / "kg-serve.json").exists()
    assert run_kg("ingest", str(SEED), "--force", store=seeded).code == 0  # the server is gone


# --------------------------------------------------------------------------- careless use


@pytest.mark.slow
def test_export_article_and_delete_accept_the_article_key(seeded, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(seeded, store)
    key = article_key(store)
    run = run_kg("export", "--article", key, "--format", "nt", store=store)
    assert run.code == 0 and run.out.count("\n") > 100, run
    run = run_kg("delete", key, store=store)
    assert run.code == 0 and key in run.err, run
    run = run_kg("delete", key, store=store)
    assert run.code == 2 and "no such article" in one_line_error(run)


@pytest.mark.slow
def test_wd_prefixed_actor_parameter_finds_the_same_rows(seeded):
    plain = run_kg("query", "meetings", "-p", "actor=Q57792", "--format", "csv", store=seeded)
    prefixed = run_kg("query", "meetings", "-p", "actor=wd:Q57792", "--format", "csv", store=seeded)
    assert plain.code == prefixed.code == 0, prefixed
    assert plain.out == prefixed.out and plain.out.count("\n") > 1
    unknown = run_kg("query", "meetings", "-p", "actor=wdx:Q57792", store=seeded)
    assert unknown.code == 2 and "unknown prefix 'wdx:'" in one_line_error(unknown)


def test_duplicate_articles_in_one_run_are_reported_and_the_later_wins(tmp_path):
    first = json.loads(SEED.with_suffix(".yaml").read_text(encoding="utf-8")) if False else None
    import yaml

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    folder = tmp_path / "in"
    folder.mkdir()
    first = dict(data, title="Erste Fassung")
    second = dict(data, title="Zweite Fassung")
    (folder / "a.json").write_text(json.dumps(first), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps(second), encoding="utf-8")
    store = tmp_path / "store"
    run = run_kg("ingest", folder, store=store)
    assert run.code == 0, run
    assert "1 input(s) repeated an article of this run (the later input wins" in run.err
    assert "b.json replaces" in run.err and "a.json" in run.err
    exported = run_kg("export", "--format", "nt", store=store).out
    assert "Zweite Fassung" in exported and "Erste Fassung" not in exported


@pytest.mark.slow
def test_output_files_honour_the_umask(seeded, tmp_path, mask=0o027):
    expected = 0o666 & ~mask
    code = f"""
import os, sys
os.umask({mask})
from kg.cli import app
for args in (
    ["--store", {str(seeded)!r}, "export", "-o", {str(tmp_path / "export.ttl")!r}],
    ["extract", {str(SEED_TEXT)!r}, "-o", {str(tmp_path / "extract.yaml")!r}],
    ["link", "--offline", {str(SEED)!r}, "-o", {str(tmp_path / "link.yaml")!r}],
):
    try:
        app(args)
    except SystemExit as done:
        assert not done.code, (args, done.code)
"""
    run = run_python(code, timeout=60)
    assert run.code == 0, run
    for name in ("export.ttl", "extract.yaml", "link.yaml"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name
