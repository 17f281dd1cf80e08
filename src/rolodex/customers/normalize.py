"""Pure normalization of profile fields: what is stored beside what was given."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def normalize_email(raw: str) -> str:
    """Lowercased and trimmed: the form used for matching and uniqueness."""
    return raw.strip().lower()


def check_email(raw: str) -> str:
    """The email as given (trimmed) if it is syntactically valid; ValueError otherwise."""
    text = raw.strip()
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return text


def full_name(first: str | None, last: str | None) -> str | None:
    parts = [p.strip() for p in (first, last) if p and p.strip()]
    return " ".join(parts) or None


def clean_tags(tags: list[str]) -> list[str]:
    """Trimmed, blank ones dropped, duplicates (case-insensitive) dropped, order kept."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        t = " ".join(tag.split())
        if t and t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return out
