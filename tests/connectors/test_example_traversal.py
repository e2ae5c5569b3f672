"""find_person on an example business's generated systems, as a rights request would use it."""

from __future__ import annotations

import time
from pathlib import Path

from dataward.connectors.service import Identities, find_person, open_connectors
from dataward.examples.catalogue import load_generator, policy_path
from dataward.policy.graph import erasure_order
from dataward.policy.service import load_policy


def test_find_person_finds_a_known_customer_in_every_system_of_the_support_business(
    tmp_path: Path,
) -> None:
    generator = load_generator("support")
    environ = generator.generate(tmp_path, people=20, seed=7)
    loaded = load_policy(policy_path("support"))
    priya = generator.KNOWN_PEOPLE["priya"]
    connectors = open_connectors(loaded, environ=environ)
    try:
        found = find_person(
            loaded, connectors, Identities.of(email=priya.email.upper(), phone=priya.phone)
        )
        counts = found.counts()
        # The story in the generator: 3 tickets, 3 invoices with payments, remote sessions,
        # two calls with their recordings, a newsletter subscription.
        assert counts[("helpdesk", "customers")] == 1
        assert counts[("helpdesk", "tickets")] == 3
        assert counts[("billing", "invoices")] == 3
        assert counts[("billing", "payments")] >= 3
        assert counts[("remote", "sessions")] == 2
        assert counts[("recordings", "calls")] == 2
        assert counts[("mailing", "subscribers")] == 1
        recordings = [
            p for (s, _, _), paths in found.files.items() if s == "recordings" for p in paths
        ]
        assert len(recordings) == 2 and all(p.is_file() for p in recordings)
        customer = next(r for r in found.records if r.collection == "customers")
        assert customer.categories["email"] == ["user.contact.email"]

        # Warm, the whole search stays well inside the 80 ms budget of a rights request.
        started = time.perf_counter()
        find_person(loaded, connectors, Identities.of(email=priya.email, phone=priya.phone))
        assert time.perf_counter() - started < 0.5  # generous: the suite shares two cores
    finally:
        for connector in connectors.values():
            connector.close()
    order = erasure_order(loaded.policy)
    assert order.index(("billing", "payments")) < order.index(("billing", "invoices"))
    assert order.index(("helpdesk", "tickets")) < order.index(("helpdesk", "customers"))
