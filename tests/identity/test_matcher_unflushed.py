"""The matcher in a transaction whose flushes wait (kit.deferred): what it flushes first."""

from __future__ import annotations

from rolodex.identity import matcher, normalize
from rolodex.kit import deferred
from rolodex.kit.ids import new_id
from rolodex.models import Customer


def _person(tenant_id, first: str, last: str, phone: str | None = None) -> Customer:
    return Customer(tenant_id=tenant_id, id=new_id(), first_name=first, last_name=last,
                    phone_e164=phone, attributes={})  # fmt: skip


def test_unflushed_customers_are_flushed_only_when_they_could_be_found(tenant):
    db = tenant.client.app.state.db
    probe = normalize.match_record(
        first_name="Ada", last_name="Lovelace", phone_e164="+16135550199"
    )
    with db.session(tenant.id) as session:
        deferred.defer_flushes(session)
        session.add(_person(tenant.id, "Grace", "Hopper"))
        assert matcher.find_matches(session, tenant.id, probe) == []
        assert len(session.new) == 1  # shares no key with the probe: left unflushed

        session.add(_person(tenant.id, "Someone", "Else", phone="+16135550199"))
        (found,) = matcher.find_matches(session, tenant.id, probe)  # the same phone
        assert not session.new  # flushed first, then found
        assert found.score.value > 0
        session.rollback()


def test_past_the_limit_unflushed_changes_are_flushed_rather_than_checked(tenant):
    """A Klaviyo batch of hundreds of new profiles: each probe would check every one of them."""
    db = tenant.client.app.state.db
    probe = normalize.match_record(first_name="Ada", last_name="Lovelace")
    with db.session(tenant.id) as session:
        deferred.defer_flushes(session)
        for n in range(matcher.MOST_UNFLUSHED):
            session.add(_person(tenant.id, "Person", f"Number{n}x"))
        matcher.find_matches(session, tenant.id, probe)
        assert len(session.new) == matcher.MOST_UNFLUSHED  # up to the limit: checked
        session.add(_person(tenant.id, "One", "More"))
        matcher.find_matches(session, tenant.id, probe)
        assert not session.new
        session.rollback()
