"""S-12: every staff access to personal data is logged in a tamper-evident audit log.

Here: the access half, on the web. Staff of the support business work Priya's access request
through the API; each time someone opens her data (the request's identities, the package, the
letter) the product itself appends who, what and why to the hash-chained log, and the chain
still verifies. A role that may not read personal data is refused and leaves no such event.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from scenarios.rights_deploy import deploy
from sqlalchemy import select

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.core.config import Settings
from dataward.core.crypto import create_master_key_file
from dataward.core.runtime import Runtime

VIEWED = "rights.personal_data.viewed"


def _token(runtime: Runtime, role: Role) -> tuple[str, dict[str, str]]:
    with runtime.transaction() as session:
        row, token = tokens.create_token(
            session=session, clock=runtime.clock, name=role.value, role=role, actor="test:setup"
        )
        actor = f"token:{row.id}"
    return actor, {"Authorization": f"Bearer {token}"}


def test_s_12_staff_opening_a_persons_data_on_the_web_is_logged(
    runtime: Runtime, tmp_path: Path
) -> None:
    with deploy("support", tmp_path / "systems", "sqlite") as support:
        env_file = tmp_path / "systems.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in support.environ.items()))
        home = runtime.settings.home
        create_master_key_file(home / "master.key")
        runtime.settings = Settings(
            home=home, environment="test", policy=support.loaded.path, systems_env_file=env_file
        )
        priya = support.known["priya"]
        staff, as_staff = _token(runtime, Role.STAFF)
        _auditor, as_auditor = _token(runtime, Role.AUDITOR)
        with TestClient(create_app(runtime)) as client:
            opened = client.post(
                "/api/v1/requests",
                json={"kind": "access", "email": priya.email},
                headers=as_staff,
            )
            reference = opened.json()["reference"]
            client.post(
                f"/api/v1/requests/{reference}/verify",
                json={"evidence": "account number and postcode confirmed on a call"},
                headers=as_staff,
            )
            ran = client.post(f"/api/v1/requests/{reference}/run", headers=as_staff)
            assert ran.json()["finished"], ran.text

            # The auditor reads the request's dates and states but not Priya: refused, no event.
            assert (
                client.get(f"/api/v1/requests/{reference}/package", headers=as_auditor).status_code
                == 403
            )
            assert (
                client.get(f"/api/v1/requests/{reference}", headers=as_auditor).json()["identities"]
                == []
            )

            shown = client.get(
                f"/api/v1/requests/{reference}",
                params={"why": "checking who asked"},
                headers=as_staff,
            )
            assert shown.json()["identities"][0]["verified"]
            package = client.get(
                f"/api/v1/requests/{reference}/package",
                params={"why": "sending the copy"},
                headers=as_staff,
            )
            with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
                assert priya.email in archive.read("data.json").decode()
            letter = client.get(f"/api/v1/requests/{reference}/letter", headers=as_staff)
            assert letter.json()["letter"] == "access"

        with runtime.transaction() as session:
            events = list(
                session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == VIEWED)
                    .order_by(AuditEvent.sequence)
                )
            )
            subject = {e.subject for e in events}
            report = verify(session=session)
        assert [(e.actor, e.object_id, e.details["what"], e.details["why"]) for e in events] == [
            (staff, reference, "identities", "checking who asked"),
            (staff, reference, "package", "sending the copy"),
            (staff, reference, "package", "answering the request"),
        ]
        # By pseudonym only: the log itself never names her.
        assert len(subject) == 1 and priya.email not in str(subject)
        assert report.problem is None and report.events >= len(events)
