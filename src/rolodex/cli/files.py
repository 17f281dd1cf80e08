"""Files a command writes: standard output for ``-``; a file written whole or not at all; a
pipe, a device or a terminal (``/dev/stdout``, a FIFO, ``>(gzip)``) written as it goes."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from rolodex.cli.context import UsageError
from rolodex.errors import RolodexError

STDOUT = Path("-")


class CannotWrite(RolodexError):
    """The output refused what was written (a full disk, a quota, a device): exit code 1,
    in one line, as any failed run."""

    code = "cannot_write"


@contextmanager
def _said(path: Path) -> Iterator[None]:
    """An error of the output as CannotWrite naming it; a reader that went away (a broken
    pipe) is left to the command, which ends quietly then."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = "standard output" if path == STDOUT else str(path)
        raise CannotWrite(f"cannot write {where}: {exc.strerror or exc}") from exc


class Output:
    """What a command writes its output to: ``write`` and ``flush`` of the file, a failure
    said as CannotWrite (a full disk was a traceback)."""

    def __init__(self, raw: BinaryIO, path: Path) -> None:
        self._raw = raw
        self._path = path

    def write(self, data: bytes) -> int:
        with _said(self._path):
            return self._raw.write(data)

    def flush(self) -> None:
        with _said(self._path):
            self._raw.flush()


@contextmanager
def writable(path: Path) -> Iterator[Output]:
    """The output file, checked before the command starts (a path it cannot write is said
    now) and written beside its path, moved into place once whole: a refused, failed or
    interrupted command leaves the file of an earlier run as it was (opening the path
    emptied it first). A link is followed: the file it names is replaced, the link kept."""
    if path == STDOUT:
        out = Output(sys.stdout.buffer, STDOUT)
        yield out
        out.flush()
        return
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    if _is_stream(path):  # moving a file into its place would replace the pipe or device
        try:
            stream = open(path, "wb")  # noqa: SIM115 (closed below, after the command)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
        try:
            out = Output(stream, path)
            yield out
            out.flush()
        finally:
            with suppress(OSError):  # what it failed to flush was said, or is moot
                stream.close()
        return
    real = Path(os.path.realpath(path))  # through a link: the file it names, the link kept
    try:
        fd, part = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    raw = os.fdopen(fd, "wb")
    try:
        yield Output(raw, path)
        with _said(path):  # the last piece reaches the disk here, and a full disk with it
            raw.close()
            os.chmod(part, _file_mode(real))
            os.replace(part, real)
    finally:
        with suppress(OSError):
            raw.close()
        Path(part).unlink(missing_ok=True)  # left only by a failure: moved into place else


def is_regular(path: Path) -> bool:
    """Whether ``writable`` writes ``path`` as a file, not standard output, a pipe, a device
    or a terminal. Only a file gets a CSV's byte-order mark, which spreadsheets want: piped
    on, it is a stray character before the header (``| grep ^row`` missed it)."""
    return path != STDOUT and not _is_stream(path)


def _is_stream(path: Path) -> bool:
    """Whether the path (followed through links) is there and is not a regular file."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _file_mode(path: Path) -> int:
    """The mode the file has, or a new file would get (mkstemp's is the owner's alone)."""
    with suppress(OSError):
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
