"""voip-05: enquirers who are not customers get no marketing; customers may get marketing about
similar services (soft opt-in) with an opt-out in every message."""

from __future__ import annotations

from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed

ORDER_FORM = (
    "We will email you news of our services similar to the ones you buy. Untick this box if "
    "you would rather we did not; every message has a link to stop them."
)


def test_voip_05_only_customers_who_never_opted_out_get_marketing_by_soft_opt_in(
    tmp_path: Path,
) -> None:
    voip = ConsentDeployed("voip", tmp_path)
    customers = [c for c in voip.rows("crm", "customers") if c["relationship_ended_on"] is None]
    emails = {c["email"] for c in customers}
    enquirers = [
        e for e in voip.rows("website", "enquiries")
        if not e["became_customer"] and e["email"] not in emails
    ]  # fmt: skip
    assert len(customers) >= 3 and enquirers
    form = voip.wording("order-form", ORDER_FORM)
    # The order process records how each customer's details were obtained: in a sale, with
    # the opt-out offered there.
    for customer in customers:
        voip.record(
            "--email", customer["email"], "--phone", customer["phone"], "--channel", "marketing",
            "--sale", "--how", "order-form", "--wording-version", "order form 2025",
            "--wording-file", str(form),
        )  # fmt: skip
    opted_out = customers[0]
    voip.consent("withdraw", "--email", opted_out["email"], "--channel", "marketing",
                 "--medium", "email", "--how", "unsubscribe-link")  # fmt: skip

    rows = [{"email": c["email"]} for c in customers] + [{"email": e["email"]} for e in enquirers]
    summary, kept = voip.screen(rows, "--channel", "marketing-email")
    assert set(kept) == emails - {opted_out["email"]}
    assert summary["dropped"] == {
        "not-eligible-for-soft-opt-in": len(enquirers),
        "withdrawn": 1,
    }
    customer, enquirer = customers[1], enquirers[0]
    assert voip.check("--email", customer["email"], "--channel", "marketing-email")["reasons"] == [
        "soft-opt-in"
    ]
    assert not voip.check("--email", enquirer["email"], "--channel", "marketing-email")["allowed"]
    # A customer who opted out is never brought back by a later sale.
    voip.record(
        "--email", opted_out["email"], "--channel", "marketing", "--sale", "--how", "order-form",
        "--wording-version", "order form 2025", "--wording-file", str(form),
    )  # fmt: skip
    again = voip.check("--email", opted_out["email"], "--channel", "marketing-email")
    assert again["reasons"] == ["not-eligible-for-soft-opt-in"]
