"""Files a command writes (cli.files.writable): an output that fails while it is written (a
full disk, its folder gone) is said in one line naming it, and leaves no part file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rolodex.cli.files import writable
from rolodex.errors import RolodexError


def _write(path: Path, *, then: Callable[[], object] = lambda: None) -> None:
    """400 kB through writable, then ``then`` (while the output is still open)."""
    with writable(path) as out:
        for _ in range(4):
            out.write(b"x" * 100_000)
        then()


def test_a_device_that_refuses_the_writes_is_said_naming_it():
    with pytest.raises(RolodexError) as caught:
        _write(Path("/dev/full"))  # every write fails as on a full disk (ENOSPC)
    assert caught.value.message == "cannot write /dev/full: No space left on device"


def test_a_folder_gone_before_the_file_is_moved_into_place_is_said_naming_it(tmp_path):
    here = tmp_path / "exports"
    here.mkdir()
    path = here / "customers.csv"
    with pytest.raises(RolodexError) as caught:
        _write(path, then=lambda: shutil.rmtree(here))  # another program cleaned it up
    assert caught.value.message.startswith(f"cannot write {path}: "), caught.value.message
    assert not here.exists()


def test_a_file_written_whole_replaces_the_earlier_one_and_leaves_no_part(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"yesterday\n")
    with writable(path) as out:
        out.write(b"today\n")
        assert path.read_bytes() == b"yesterday\n"  # not before it is whole
    assert path.read_bytes() == b"today\n"
    assert [p.name for p in tmp_path.iterdir()] == ["customers.csv"]
