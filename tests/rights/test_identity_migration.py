"""Revision 0005: a request verified before identities were proved one by one keeps
its email proved, and nothing more; the revision also downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from dataward.core.migrate import alembic_config

REQUEST = """
INSERT INTO rights_requests (id, reference, kind, state, person_id, person_pseudonym, nation,
    received_on, start_on, due_on, paused_days, purposes, policy_path, policy_digest,
    created_at, updated_at, verification_method, verified_at, verified_by, verification_evidence)
VALUES (:id, :reference, 'access', :state, 1, 'p-1', 'england-and-wales', '2026-03-02',
    '2026-03-02', '2026-04-02', 0, '[]', 'dataward.yaml', 'abc', '2026-03-02 10:00:00',
    '2026-03-02 10:00:00', :method, :verified_at, :verified_by, :evidence)
"""


def test_requests_verified_before_keep_only_their_email_proved(tmp_path: Path) -> None:
    # No foreign-key pragma: the request rows stand without their people rows here.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(
            sa.text(REQUEST),
            [
                {
                    "id": 1,
                    "reference": "DW-2026-000001",
                    "state": "in_progress",
                    "method": "email_code",
                    "verified_at": "2026-03-02 11:00:00",
                    "verified_by": "web:requester",
                    "evidence": "one-time code sent to the requester's email address",
                },
                {
                    "id": 2,
                    "reference": "DW-2026-000002",
                    "state": "received",
                    "method": None,
                    "verified_at": None,
                    "verified_by": None,
                    "evidence": None,
                },
            ],
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT request_id, identity, method, verified_by FROM rights_request_identities"
            )
        ).all()
    assert [tuple(r) for r in rows] == [(1, "email", "email_code", "web:requester")]
    command.downgrade(config, "0004")
    assert "rights_request_identities" not in sa.inspect(engine).get_table_names()
    engine.dispose()
