"""The ceiling of the webhook path: the same framework, an endpoint that only reads the body."""

from __future__ import annotations

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/bare")
async def bare(request: Request) -> dict[str, str]:
    await request.body()
    return {"status": "accepted"}
