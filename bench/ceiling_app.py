"""The ceiling: a constant-response endpoint of the same framework, served the same way."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/const")
def const() -> dict[str, object]:
    return {"items": [], "next_cursor": None}
