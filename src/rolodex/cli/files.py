"""Files a command writes: standard output for ``-``, otherwise written whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from rolodex.cli.context import UsageError

STDOUT = Path("-")


@contextmanager
def writable(path: Path) -> Iterator[BinaryIO]:
    """The output file, checked before the command starts (a path it cannot write is said
    now) and written beside its path, moved into place once whole: a refused, failed or
    interrupted command leaves the file of an earlier run as it was (opening the path
    emptied it first)."""
    if path == STDOUT:
        yield sys.stdout.buffer
        return
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    try:
        fd, part = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    whole = False
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        whole = True
    finally:
        if whole:
            os.chmod(part, _file_mode(path))
            os.replace(part, path)
        else:
            Path(part).unlink(missing_ok=True)


def _file_mode(path: Path) -> int:
    """The mode the file has, or a new file would get (mkstemp's is the owner's alone)."""
    with suppress(OSError):
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
