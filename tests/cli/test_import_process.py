"""rolodex import as a process an operator runs, on SQLite and PostgreSQL: stopped by a
signal, its output piped into a reader that goes away, a terminal that is not UTF-8."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.imports.helpers import csv_text, customers


def _file(tmp_path, rows: int, header: str = "email"):
    path = tmp_path / "people.csv"
    path.write_text(csv_text([[header], *([f"p{i}@example.com"] for i in range(rows))]))
    return path


def _start(backend, *args: object, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rolodex.cli.main", *(str(a) for a in args)],
        env={**os.environ, "ROLODEX_DATABASE_URL": backend.url, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _import(tenant, backend) -> dict:
    (run,) = tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]
    return tenant.client.get(f"/v1/imports/{run['id']}", headers=tenant.headers()).json()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_cancels_the_import_between_batches_keeping_what_is_done(
    backend, tenant, tmp_path, signum
):
    path = _file(tmp_path, 400)
    proc = _start(backend, "import", path, "--tenant", tenant.slug, "--batch", "2")
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the mapping
    line = proc.stdout.readline()  # the first batch's progress: it runs
    assert line.startswith("imported 2 rows"), line
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, (out, err)
    assert "Traceback" not in out + err
    run = _import(tenant, backend)
    # cancelled now, as POST /v1/imports/{id}/cancel does; not left running for a worker
    assert run["state"] == "cancelled"
    kept = run["progress"]["created"]
    assert 0 < kept < 400
    assert len(customers(tenant)) == kept
    assert f"interrupted: import {run['id']} cancelled after {kept:,} rows" in err
    assert f"rolodex revert-import {run['id']} --tenant {tenant.slug}" in err
    jobs = tenant.client.get("/v1/jobs", headers=tenant.headers()).json()["items"]
    assert [j["state"] for j in jobs] == ["done"]  # its stand-by job is not left queued


def test_a_second_ctrl_c_stops_at_once_and_cancels_the_import_keeping_what_is_done(
    backend, tenant, tmp_path
):
    """The second Ctrl-C left the import running: its job took it over once the lease ran
    out and imported the rest of the file. Batches of 100 give the second one time to come
    before the batch in hand ends, even on a loaded machine."""
    total = 2000
    path = _file(tmp_path, total)
    proc = _start(backend, "import", path, "--tenant", tenant.slug, "--batch", "100")
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.readline()  # the mapping
    line = proc.stdout.readline()  # the first batch's progress: it runs
    assert line.startswith("imported 100 rows"), line
    proc.send_signal(signal.SIGINT)
    early = _read_until(proc.stderr, "stopping after the batch in hand")
    proc.send_signal(signal.SIGINT)  # again: at once
    out, err = proc.communicate(timeout=60)
    err = early + err
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in out + err
    run = _import(tenant, backend)
    assert run["state"] == "cancelled"  # not left running for a worker to finish
    kept = run["progress"]["created"]
    assert 0 < kept < total
    assert len(customers(tenant)) == kept  # what earlier batches committed, no more
    assert f"interrupted: import {run['id']} cancelled after {kept:,} rows" in err
    assert f"rolodex revert-import {run['id']} --tenant {tenant.slug}" in err
    jobs = tenant.client.get("/v1/jobs", headers=tenant.headers()).json()["items"]
    assert [j["state"] for j in jobs] == ["done"]  # its stand-by job is not left queued


def _read_until(stream, text: str) -> str:
    """What the process writes to ``stream`` up to ``text``, read from its descriptor: none of
    it is left in a buffer that ``communicate`` would not see."""
    seen = ""
    while text not in seen:
        chunk = os.read(stream.fileno(), 4096)
        assert chunk, f"the process ended before saying {text!r}: {seen}"
        seen += chunk.decode()
    return seen


def test_a_reader_that_goes_away_does_not_stop_the_import_half_done(backend, tenant, tmp_path):
    path = _file(tmp_path, 300)
    # batches of 20: a progress line for each tenth still comes after the reader is gone
    proc = _start(backend, "import", path, "--tenant", tenant.slug, "--batch", "20")
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # `rolodex import … | head -1`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _import(tenant, backend)["state"] == "done"
    assert len(customers(tenant)) == 300


def test_a_terminal_that_is_not_utf8_gets_the_summary_not_a_traceback(backend, tenant, tmp_path):
    path = _file(tmp_path, 1, header="Электронная почта")
    proc = _start(
        backend, "import", path, "--tenant", tenant.slug, "--map", "Электронная почта=email",
        PYTHONIOENCODING="latin-1",
    )  # fmt: skip
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, (out, err)
    assert "\\u042d\\u043b" in out  # the header, written out
    assert "-> email" in out
    assert "state done" in out
    assert [c["email"] for c in customers(tenant)] == ["p0@example.com"]
