"""What every command needs: settings, the database, output that suits the terminal."""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from rolodex.config import Settings, get_settings
from rolodex.db import Database
from rolodex.errors import InvalidInput, RolodexError
from rolodex.models import Tenant
from rolodex.tenants import service as tenants


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Its reader has gone (``rolodex import … | head``): what it would still say goes
        to /dev/null and the command goes on. Rich's own ends the process (SystemExit 1),
        which left an import half done, running, for its job to finish unwatched later."""
        self.quiet = True
        silence(self.file)


def silence(file: Any) -> None:
    """Its reader has gone: the file's descriptor now writes to /dev/null, so what is still
    written, or flushed as the process exits, does not fail again."""
    with suppress(OSError, ValueError):
        target = os.open(os.devnull, os.O_WRONLY)
        os.dup2(target, file.fileno())
        os.close(target)


READER_GONE = 141  # the exit code of a Unix tool whose reader went away: 128 + SIGPIPE


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM stops the command as Ctrl-C does, unwinding (a file half written is removed),
    with exit code 143; without this the process died on the spot."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


console = _Console(soft_wrap=True)
err_console = _Console(stderr=True, soft_wrap=True)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from a file or a record with its control characters written out (``\\x1b``): an
    escape code in a header must not recolour, retitle or hyperlink the operator's terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def rows(n: int) -> str:
    """A count of rows in words: 1 row, 2,000 rows."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def customers(n: int) -> str:
    """A count of customers in words: 1 customer, 2,000 customers."""
    return f"{n:,} customer" if n == 1 else f"{n:,} customers"


def shown(text: str) -> str:
    """Text from a file or a record for a ``print`` with markup: printable, its brackets
    escaped (a header "[/]" is a column's name, not a Rich tag that ends the command)."""
    return escape(printable(text))


def is_terminal() -> bool:
    """Whether ``console`` writes to a terminal (stdout, or stderr while stdout carries data)."""
    return console.file.isatty()


def arrow() -> str:
    """→ where the output can hold it; a terminal in an ASCII or Latin-1 locale gets ->."""
    return "→" if (console.encoding or "").lower().startswith("utf") else "->"


def safe_streams() -> None:
    """A character the terminal's encoding lacks (a header in Cyrillic under LANG=C with
    PYTHONIOENCODING=latin-1) is written as an escape, not a UnicodeEncodeError traceback
    after the command's work is stored."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


class UsageError(InvalidInput):
    """The command line is wrong (an option's value, a --map): exit code 2, as for the
    options typer itself refuses, so that a script tells it from a failed run (1)."""

    exit_code = 2


def id_argument(text: str, argument: str, what: str, listed_by: str | None = None) -> uuid.UUID:
    """An id given on the command line (``argument``: its name in the usage line, IMPORT_ID).
    A malformed one is bad usage, exit code 2, said before anything is looked up: it was
    exit 1 as if the import (job, key) were missing, or a ValueError's traceback."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        where = f"; {listed_by} shows them" if listed_by else ""
        raise UsageError(
            f"{argument}: {text!r} is not {what}: an id is 32 hexadecimal digits, such as "
            f"01234567-89ab-cdef-0123-456789abcdef{where}"
        ) from None


_opened: list[Database] = []


def database(settings: Settings | None = None) -> Database:
    """The command's database, disposed when the command ends (``close_databases``)."""
    db = Database(settings or get_settings())
    _opened.append(db)
    return db


def close_databases() -> None:
    """Close the pools of the databases the command opened: when it ends, not whenever the
    collector of cycles gets to their engines (a process that runs many commands, as the
    test suite does, ran a PostgreSQL server out of connection slots)."""
    while _opened:
        _opened.pop().dispose()


@contextmanager
def handled() -> Iterator[None]:
    """Domain errors become a one-line message and exit code 1 (2 for a UsageError), not a
    traceback."""
    try:
        yield
    except RolodexError as exc:
        err_console.print(f"[red]error:[/red] {shown(exc.message)}", highlight=False)
        for line in detail_lines(exc.message, exc.details):
            err_console.print(f"  {printable(line)}", highlight=False, markup=False)
        raise typer.Exit(getattr(exc, "exit_code", 1)) from exc


def detail_lines(message: str, details: Any) -> list[str]:
    """An error's details as lines a person reads, leaving out what the message says."""
    items = details if isinstance(details, list) else [details] if details else []
    lines = []
    for item in items:
        if isinstance(item, dict) and "message" in item:
            field = item.get("field")
            text = f"{field}: {item['message']}" if field else str(item["message"])
            got = f"got {item['value']!r}" if "value" in item else None
            if text not in message:
                lines.append(f"{text} ({got})" if got else text)
            elif got:
                lines.append(got)
        elif isinstance(item, dict):
            shown = [(k, v) for k, v in item.items() if v is not None and str(v) not in message]
            lines += [f"{k}: {v}" for k, v in shown]
        else:
            lines.append(str(item))
    return lines


def resolve_tenant(db: Database, ref: str) -> Tenant:
    with db.session(write=False) as session:
        return tenants.get_tenant(session, ref)
