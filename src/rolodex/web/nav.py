"""The dashboard's navigation: each area adds its entry when its module is imported."""

from __future__ import annotations

NAV: list[tuple[str, str]] = []
_ORDER: dict[str, int] = {}


def add(label: str, path: str, order: int = 100) -> None:
    """Register a top-level page; lower ``order`` comes first."""
    if (label, path) not in NAV:
        _ORDER[path] = order
        NAV.append((label, path))
        NAV.sort(key=lambda item: (_ORDER[item[1]], item[0]))
