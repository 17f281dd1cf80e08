"""rolodex export's outputs on SQLite and PostgreSQL, as an operator's shell uses them: a
link, a pipe or a device as --out, a reader that goes away (| head), SIGTERM mid-export."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people


def _here(tmp_path):
    """A folder of its own (the test's SQLite database lies in tmp_path)."""
    here = tmp_path / "out"
    here.mkdir()
    return here


def _people(backend, tenant, n: int) -> None:
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(n, seed=5))


def _start(backend, *args: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rolodex.cli.main", "export", *(str(a) for a in args)],
        env={**os.environ, "ROLODEX_DATABASE_URL": backend.url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_link_as_out_writes_the_file_it_names_and_stays_a_link(cli, tenant, backend, tmp_path):
    _people(backend, tenant, 3)
    tmp_path = _here(tmp_path)
    target, link = tmp_path / "customers.ndjson", tmp_path / "latest.ndjson"
    target.write_text("yesterday's export\n")
    link.symlink_to(target)
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()  # was replaced by a file, the file it named left as it was
    assert len(target.read_text().splitlines()) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.ndjson", "latest.ndjson"]


def test_a_pipe_or_a_device_as_out_is_written_not_replaced(cli, tenant, backend, tmp_path):
    _people(backend, tenant, 3)
    tmp_path = _here(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", fifo)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # was replaced by a file: its reader got nothing
    assert len(got[0].splitlines()) == 3
    null = tmp_path / "null"  # /dev/null through a link: root's export replaced the device
    null.symlink_to(os.devnull)
    result = cli("export", "--tenant", tenant.slug, "--format", "csv", "--out", null)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert null.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_reader_that_goes_away_ends_the_export_quietly_as_a_unix_tool(backend, tenant):
    _people(backend, tenant, 1500)  # more than a pipe's buffer holds
    proc = _start(backend, "--tenant", tenant.slug, "--format", "ndjson")
    assert proc.stdout is not None
    assert json.loads(proc.stdout.readline())["email"]
    proc.stdout.close()  # `rolodex export … | head -1`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err  # 128 + SIGPIPE: was 1, as a failure
    assert err == b""


def test_sigterm_mid_export_leaves_no_part_file_and_the_earlier_file(backend, tenant, tmp_path):
    _people(backend, tenant, 2500)
    tmp_path = _here(tmp_path)
    out = tmp_path / "customers.csv"
    out.write_text("yesterday's export\n")
    proc = _start(backend, "--tenant", tenant.slug, "--format", "csv", "--out", out)
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith(b"exported 1,000/2,500")  # after its first page
    proc.send_signal(signal.SIGSTOP)  # held mid-export, so the SIGTERM lands there
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert out.read_text() == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["customers.csv"]  # a hidden .part was left


def test_the_count_said_is_the_customers_written_though_one_came_meanwhile(
    cli, tenant, tmp_path, monkeypatch
):
    from rolodex.exports import service

    tmp_path = _here(tmp_path)
    streamed = service.stream

    def another_writes_first(*args, **kwargs):  # a writer between the count and the file
        made = tenant.client.post(
            "/v1/customers", json={"email": "late@example.com"}, headers=tenant.headers()
        )
        assert made.status_code == 201, made.text
        return streamed(*args, **kwargs)

    monkeypatch.setattr(service, "stream", another_writes_first)
    out = tmp_path / "x.ndjson"
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 1
    assert result.stdout.strip() == f"exported 1 customer to {out}"  # said 0 (then "1 customers")
