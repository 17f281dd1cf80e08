"""A request's query parameter names checked against the ones its endpoint reads: a misspelt
one (``?stagee=customer``) is a 422 naming it, never ignored (the answer would be every row,
as if no filter had been asked for)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from rolodex.errors import InvalidInput

MAX_NAMES = 20  # a bounded answer to any query string
MAX_NAME_CHARS = 100


def only_own(names: Iterable[str], own: Collection[str], what: str) -> None:
    """refuse_unknown for a list whose parameters are all its own: "<what> takes a, b"."""
    refuse_unknown(names, own, takes=f"{what} takes {', '.join(own)}")


def refuse_unknown(
    names: Iterable[str],
    own: Collection[str],
    *,
    takes: str,
    detail: str = "not a parameter of this list",
    also: Callable[[str], bool] | None = None,
) -> None:
    """A 422 naming (up to MAX_NAMES of) the ``names`` that are neither in ``own`` nor taken
    by ``also`` (the list filters); ``takes`` ends the message: what the endpoint does take."""
    unknown = sorted({n for n in names if n not in own and not (also and also(n))})
    if not unknown:
        return
    shown = list(dict.fromkeys(n[:MAX_NAME_CHARS] for n in unknown[:MAX_NAMES]))
    more = f" and {len(unknown) - MAX_NAMES} more" if len(unknown) > MAX_NAMES else ""
    raise InvalidInput(
        f"unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(shown)}{more}; {takes}",
        details=[{"field": n, "message": detail} for n in shown],
    )
