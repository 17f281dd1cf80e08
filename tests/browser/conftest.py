"""Browser tests: a real server on loopback, Debian's Chromium driven by Playwright.

Chromium comes from Debian's `chromium` package (`make test` installs it when missing and
running as root). With CI=true a missing browser fails the run; it never skips there.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from rolodex.db import Database
from rolodex.tenants import service
from tests.conftest import IN_CI, Backend, shared_app

CHROMIUM = os.environ.get("ROLODEX_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_problem() -> str | None:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    problem = _browser_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true and the browser tests cannot run: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveSite:
    base: str
    db: Database
    tenant_id: uuid.UUID
    api_key: str
    email: str
    backend: Backend

    def api(self) -> object:
        import httpx

        return httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30
        )


@pytest.fixture
def site(backend: Backend) -> Iterator[LiveSite]:
    """The app served by uvicorn in a thread, with a tenant and a signed-up admin user."""
    db = backend.db
    with db.session() as s:
        tenant = service.create_tenant(s, f"Browser Shop {uuid.uuid4().hex[:6]}")
        tid = tenant.id
    with db.session(tid) as s:
        key = service.create_key(s, tid, "admin").key
        email = f"owner-{tid.hex[:6]}@example.com"
        service.create_user(s, tid, email, PASSWORD, role="admin")
    port = _free_port()
    config = uvicorn.Config(shared_app(backend), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start within 30 s"
    yield LiveSite(f"http://127.0.0.1:{port}", db, tid, key, email, backend)
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(chromium: object, site: LiveSite, request: pytest.FixtureRequest) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    # Generous waits: a loaded CI machine can take seconds for what usually takes milliseconds.
    pg.set_default_timeout(20_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield pg
    context.close()


def shot(page: object, name: str) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def sign_in(page: object, site: LiveSite) -> None:
    page.goto(f"{site.base}/signin")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(site.email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{site.base}/")  # type: ignore[attr-defined]


def imported_from_page(page: object, site: LiveSite, path: Path) -> None:
    """Sign in, choose the file ``path`` on the import page, press Import and run the import
    to the end (the test server runs no worker)."""
    from playwright.sync_api import expect

    file_chosen(page, site, path)
    # The file's preview comes first and pushes the buttons down: pressed while it was on its
    # way, Import was clicked where the button had been (the suite failed now and then).
    expect(page.locator("#preview > *").first).to_be_visible()  # type: ignore[attr-defined]
    expect(page.locator("#import-busy.htmx-request")).to_have_count(0)  # type: ignore[attr-defined]
    import_pressed(page, site)


def file_chosen(page: object, site: LiveSite, path: object) -> Any:
    """Sign in, open the import page and choose the file at ``path``: its preview's
    locator."""
    sign_in(page, site)
    page.goto(f"{site.base}/imports")  # type: ignore[attr-defined]
    page.set_input_files("#import-file", str(path))  # type: ignore[attr-defined]
    return page.locator("#preview")  # type: ignore[attr-defined]


def imported_as_previewed(page: object, site: LiveSite, shot_name: str, rows: int) -> None:
    """Once the preview has settled, a screenshot of it, then Import pressed and run to the
    end: the progress says how many rows were read."""
    from playwright.sync_api import expect

    expect(page.locator("#import-busy.htmx-request")).to_have_count(0)  # type: ignore[attr-defined]
    shot(page, shot_name)
    import_pressed(page, site)
    expect(page.locator(".import-progress")).to_contain_text(str(rows))  # type: ignore[attr-defined]


def import_pressed(page: object, site: LiveSite) -> None:
    """Press Import on the import page and run the import to the end (the test server runs
    no worker)."""
    from playwright.sync_api import expect

    from rolodex.jobs.worker import Worker

    page.get_by_role("button", name="Import", exact=True).click()  # type: ignore[attr-defined]
    expect(page.get_by_test_id("import-state")).to_be_visible()  # type: ignore[attr-defined]
    Worker(site.db).drain()
    expect(page.get_by_test_id("import-state")).to_have_text("Finished")  # type: ignore[attr-defined]
