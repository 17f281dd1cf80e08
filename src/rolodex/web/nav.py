"""The dashboard's navigation: each area adds its entry when its module is imported."""

from __future__ import annotations

NAV: list[tuple[str, str]] = []


def add(label: str, path: str) -> None:
    if (label, path) not in NAV:
        NAV.append((label, path))
