"""An erasure that cannot be carried out changes nothing; a legal hold stops the forgetting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from dataward.connectors.sql.connector import SqlConnector
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, ConnectorError
from dataward.core.runtime import Runtime
from dataward.people import service as people
from dataward.policy.service import load_policy
from dataward.retention import service as retention
from dataward.retention.sweep import sweep
from dataward.rights.context import ExecutionContext, Retry
from dataward.rights.execution import run_request
from dataward.rights.models import ItemOutcome, RequestKind, RequestState

from .shop import ALICE, Shop, build_shop, policy_document, shop_request

OPERATOR = "cli:olivia"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sa.create_engine(url)
    yield build_shop(tmp_path / "shop", url, engine)
    engine.dispose()


def _context(db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, home: Path) -> Any:
    return ExecutionContext(
        session=db,
        keyring=keyring,
        clock=clock,
        home=home,
        actor=OPERATOR,
        loaded=shop.loaded,
        environ=shop.environ,
        retry=Retry(attempts=1),
        commit=db.commit,
    )


def _with_events_system(shop: Shop, tmp_path: Path) -> sa.Engine:
    """A second system, acted on after the shop: an event log without a primary key whose
    refund rows are kept for HMRC while the others go. Rows of one person cannot be told apart
    by the values that found them, so its part of the erasure cannot be carried out."""
    url = f"sqlite:///{tmp_path / 'events.db'}"
    engine = sa.create_engine(url)
    table = sa.Table(
        "events", sa.MetaData(), sa.Column("email", sa.String(200)), sa.Column("kind", sa.String)
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(), [{"email": ALICE, "kind": "refund"}, {"email": ALICE, "kind": "click"}]
        )
    document = policy_document()
    document["activities"][0]["systems"].append("events")
    document["systems"].append(
        {
            "name": "events",
            "connector": "sql",
            "connection": {"url": url},
            "dataset": {
                "collections": [
                    {
                        "name": "events",
                        "exemption": {
                            "ground": "legal_obligation",
                            "reason": "refunds are accounting records",
                            "where": "kind = 'refund'",
                        },
                        "fields": [
                            {
                                "name": "email",
                                "identity": "email",
                                "categories": ["user.contact.email"],
                            },
                            {"name": "kind", "categories": ["system.operations"]},
                        ],
                    }
                ]
            },
        }
    )
    path = shop.folder / "dataward.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    shop.loaded = load_policy(path)
    return engine


def test_erasure_refused_before_any_change_when_plan_cannot_run(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    events = _with_events_system(shop, tmp_path)
    before = shop.snapshot()
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=ALICE
    )

    with pytest.raises(Conflict, match=r"events\.events \(no primary key\)"):
        run_request(ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request)

    # The shop, which would have been acted on first, is untouched, and so are the events.
    assert shop.snapshot() == before
    with events.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 2
    events.dispose()


def test_a_person_hold_keeps_their_records_and_dataward_s_copy(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    hold = retention.hold_person(
        session=db,
        keyring=keyring,
        clock=clock,
        actor=OPERATOR,
        reason="tribunal claim 2026/114",
        email=ALICE,
    )
    db.commit()
    before = shop.snapshot()
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=ALICE
    )
    outcome = run_request(
        ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request
    )

    assert request.state == RequestState.AWAITING_REVIEW
    assert shop.snapshot() == before
    assert outcome.forget_held == "tribunal claim 2026/114"
    person = people.get_person(session=db, pseudonym=hold.person_pseudonym or "")
    assert not person.forgotten
    assert {i.outcome for i in request.items if i.collection == "customer"} == {ItemOutcome.HELD}


def test_a_sweep_after_erasing_a_held_person_does_not_fail(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    shop: Shop,
    tmp_path: Path,
    runtime: Runtime,
) -> None:
    retention.hold_person(
        session=db, keyring=keyring, clock=clock, actor=OPERATOR, reason="claim", email=ALICE
    )
    db.commit()
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=ALICE
    )
    run_request(ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request)
    db.commit()

    report = sweep(runtime=runtime, keyring=keyring, loaded=shop.loaded, environ=shop.environ)
    assert report.ok and report.unresolved_holds == []


def test_a_hold_whose_person_was_forgotten_is_reported_not_a_crash(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, runtime: Runtime
) -> None:
    # Forgotten before holds stopped the forgetting (or by hand): the hold names no one now.
    hold = retention.hold_person(
        session=db, keyring=keyring, clock=clock, actor=OPERATOR, reason="claim", email=ALICE
    )
    person = people.get_person(session=db, pseudonym=hold.person_pseudonym or "")
    people.forget(
        session=db, keyring=keyring, clock=clock, person=person, actor=OPERATOR, reason="erased"
    )
    db.commit()

    report = sweep(runtime=runtime, keyring=keyring, loaded=shop.loaded, environ=shop.environ)

    assert report.ok
    assert len(report.unresolved_holds) == 1
    assert (
        f"legal hold {hold.id} is on a person Dataward has since forgotten"
        in (report.unresolved_holds[0])
    )
    assert report.as_dict()["unresolved_holds"] == report.unresolved_holds


def test_the_plan_reads_the_legal_holds_once_whatever_the_number_of_systems(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    shop: Shop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = _with_events_system(shop, tmp_path)
    reads: list[object] = []
    original = retention.list_holds

    def counted(**kwargs: Any) -> Any:
        reads.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(retention, "list_holds", counted)
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=ALICE
    )

    # Both systems hold Alice's records, so both are planned (and then refused, as above).
    with pytest.raises(Conflict):
        run_request(ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request)

    assert len(reads) == 1
    events.dispose()


def test_a_system_whose_erasure_fails_part_way_is_left_as_it_was(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    shop: Shop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = shop.snapshot()
    erased: list[str] = []
    original = SqlConnector.erase

    def fails_after_the_first(self: SqlConnector, collection: str, *args: Any) -> int:
        if erased:
            raise ConnectorError(f"{collection} is locked", system=self.system.name)
        erased.append(collection)
        return original(self, collection, *args)

    monkeypatch.setattr(SqlConnector, "erase", fails_after_the_first)
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=ALICE
    )

    outcome = run_request(
        ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request
    )

    # The first collection was erased, then the second failed: the system's part is one
    # transaction, so the first collection's rows are back and the task is failed, to retry.
    assert erased and "shop" in outcome.failed
    assert shop.snapshot() == before
