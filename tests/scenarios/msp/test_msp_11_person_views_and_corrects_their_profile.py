"""msp-11: the person can view and edit their own profile (personal, company, IT) in a portal.

Through the privacy centre's "My details", against the msp example's systems: a client contact
proves their email address with the code mailed to them, sees what the CRM, the service desk
and the other systems hold, corrects the fields the data map marks correctable, and the
correction is a rectification request of its own that, once run, changes the CRM's row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rights.public.centre import privacy_centre
from rights.public.web import post

from dataward import domains
from dataward.app import create_app
from dataward.core import jobs
from dataward.core.runtime import Runtime
from dataward.rights import service
from dataward.rights.models import RequestKind, RequestState


def test_msp_11_a_contact_sees_their_profile_and_their_correction_reaches_the_crm(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with privacy_centre(runtime, tmp_path, "msp") as centre:
        for name, value in centre.deployment.environ.items():
            monkeypatch.setenv(name, value)
        client = TestClient(create_app(centre.runtime), follow_redirects=False)
        priya = centre.person("priya")
        tom_before = [r for r in centre.deployment.rows("crm", "contacts") if r["email"] != priya]

        asked = post(client, "/my-details", "/my-details/start", email=priya)
        assert asked.headers["location"] == "/my-details/code"
        proved = post(client, "/my-details/code", "/my-details/code", code=centre.last_code(priya))
        assert proved.headers["location"] == "/my-details"

        page = client.get("/my-details")
        assert page.status_code == 200
        # Personal, company and IT: her name, her employer and her portal profile.
        for shown in ("Priya", "Shah", "Shah Architects", "pshah"):
            assert shown in page.text, shown
        # Grouped by what the notice calls each category.
        for heading in ("Name", "Job title", "Organisation", "Account settings"):
            assert f">{heading}</h2>" in page.text, re.findall(r"<h2[^>]*>([^<]*)</h2>", page.text)
        # Correctable fields have a box; her email address, an identity, does not.
        assert 'name="field:crm.contacts.job_title"' in page.text
        assert 'name="field:crm.contacts.it_profile"' in page.text
        assert 'name="field:crm.contacts.email"' not in page.text

        saved = post(
            client, "/my-details", "/my-details",
            **{
                "field:crm.contacts.job_title": "Head of IT",
                "field:crm.contacts.it_profile": "Prefers email; works from home Fridays",
            },
        )  # fmt: skip
        assert saved.status_code == 303, saved.text
        reference = saved.headers["location"].rsplit("/", 1)[1]
        assert client.get(f"/requests/{reference}").status_code == 200

        with centre.runtime.transaction() as session:
            request = service.get_request(session=session, reference=reference)
            assert request.kind == RequestKind.RECTIFICATION
            assert request.state == RequestState.IN_PROGRESS
            assert service.request_details(
                session=session, keyring=centre.keyring(), request=request
            )["changes"] == {
                "user.job_title": "Head of IT",
                "user.account.settings": "Prefers email; works from home Fridays",
            }

        jobs.run_until_idle(centre.runtime, handlers=domains.job_handlers())
        with centre.runtime.transaction() as session:
            request = service.get_request(session=session, reference=reference)
            assert request.state == RequestState.AWAITING_REVIEW
        (contact,) = [r for r in centre.deployment.rows("crm", "contacts") if r["email"] == priya]
        assert contact["job_title"] == "Head of IT"
        assert contact["it_profile"] == "Prefers email; works from home Fridays"
        others = [r for r in centre.deployment.rows("crm", "contacts") if r["email"] != priya]
        assert others == tom_before
