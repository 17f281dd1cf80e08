"""What ingestion keeps, on both engines: erasing a customer blanks the raw webhooks about them;
`rolodex jobs purge` deletes old finished jobs with the webhooks they applied, and nothing
that still needs someone (dead jobs) or that a redelivery could still hit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from typer.testing import CliRunner

from rolodex.cli.main import app as cli
from rolodex.kit.time import utcnow
from rolodex.models import InboxItem, Job
from tests.ingest.conftest import Hooks
from tests.ingest.payloads import (
    klaviyo_batch,
    klaviyo_event,
    klaviyo_profile,
    shopify_customer,
    shopify_order,
)


def _inbox(hooks: Hooks) -> dict[str, InboxItem]:
    with hooks.db.session(hooks.tenant.id, write=False) as s:
        rows = s.scalars(select(InboxItem).where(InboxItem.tenant_id == hooks.tenant.id))
        return {f"{i.topic}:{i.delivery_key}": i for i in rows}


def test_erasing_a_customer_blanks_the_webhooks_about_them(hooks: Hooks):
    gone, kept = shopify_customer(), shopify_customer()
    for person in (gone, kept):
        assert hooks.shopify("customers/create", person).status_code == 200
        assert hooks.shopify("orders/paid", shopify_order(person)).status_code == 200
    profile = klaviyo_profile()
    batch = klaviyo_batch(
        ("profile:updated", profile),
        ("event:klaviyo.opened_email", klaviyo_event(profile, "Opened Email")),
    )
    assert hooks.klaviyo(batch).status_code == 200
    assert hooks.work().done == 5
    victims = [hooks.customer(e)["id"] for e in (gone["email"], profile["attributes"]["email"])]
    for cid in victims:
        r = hooks.client.post(
            f"/v1/customers/{cid}/erase", json={"confirm": cid}, headers=hooks.tenant.headers()
        )
        assert r.status_code == 200, r.text
        assert r.json()["redacted"]["webhook_inbox"] >= 1
    rows = list(_inbox(hooks).values())
    blank = [i for i in rows if i.body == b""]
    assert len(blank) == 3  # gone's customers/create and orders/paid, the Klaviyo batch
    for item in blank:
        assert item.headers == {}
        assert item.result is not None
        assert item.result["erased"] is True
        assert item.result["customer_id"] in victims
        assert "notes" not in item.result
    kept_id = hooks.customer(kept["email"])["id"]
    for item in rows:
        if item not in blank:
            assert kept["email"].encode() in item.body
            assert item.result is not None
            assert item.result["customer_id"] == kept_id
    # A redelivery of an erased webhook is still a duplicate: its row (and key) stays.
    assert len(rows) == 5


def _age(hooks: Hooks, days: int, *, topic: str) -> None:
    """Make the jobs and webhooks of ``topic`` look ``days`` old."""
    then = utcnow() - timedelta(days=days)
    with hooks.db.session(hooks.tenant.id) as s:
        ids = list(s.scalars(select(InboxItem.job_id).where(InboxItem.topic == topic)))
        s.execute(
            update(InboxItem)
            .where(InboxItem.topic == topic)
            .values(received_at=then, processed_at=then)
        )
        s.execute(update(Job).where(Job.id.in_(ids)).values(finished_at=then, created_at=then))


def test_purge_deletes_old_finished_jobs_and_their_webhooks_only(hooks: Hooks, cli_env):
    person = shopify_customer()
    assert hooks.shopify("customers/create", person).status_code == 200
    assert hooks.shopify("orders/paid", shopify_order(person)).status_code == 200
    poison = shopify_order(shopify_customer(), total_price="lots")
    assert hooks.shopify("orders/updated", poison).status_code == 200
    stats = hooks.work()
    assert (stats.done, stats.dead) == (2, 1)
    _age(hooks, 40, topic="customers/create")
    _age(hooks, 40, topic="orders/updated")  # dead: kept however old
    _age(hooks, 10, topic="orders/paid")
    runner = CliRunner()
    refused = runner.invoke(cli, ["jobs", "purge", "--older-than", "1d"])
    assert refused.exit_code == 1
    assert "at least 3 days" in refused.output
    out = runner.invoke(cli, ["jobs", "purge", "--older-than", "30d"])
    assert out.exit_code == 0, out.output
    assert "purged 1 finished jobs and 1 webhooks" in out.output
    left = _inbox(hooks)
    assert sorted(i.topic for i in left.values()) == ["orders/paid", "orders/updated"]
    with hooks.db.session(hooks.tenant.id, write=False) as s:
        states = sorted(s.scalars(select(Job.state).where(Job.tenant_id == hooks.tenant.id)))
    assert states == ["dead", "done"]
    out = runner.invoke(cli, ["jobs", "purge", "--older-than", "7d", "--tenant", hooks.tenant.slug])
    assert out.exit_code == 0, out.output
    assert "purged 1 finished jobs and 1 webhooks" in out.output
    assert [i.topic for i in _inbox(hooks).values()] == ["orders/updated"]
