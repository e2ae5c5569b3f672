"""voip-06: every number on the dialler's call list is screened against TPS and CTPS before a
call; a screening older than 28 days is stale and must be redone; a listed number is blocked;
the business's own do-not-call list applies the moment a number is put on it."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from scenarios.rights_deploy import deploy

from dataward.consent import service as suppression
from dataward.consent import tps, tps_loading
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime

FILE_DATE = date(2026, 2, 20)


def _write(path: Path, numbers: list[str], filler: int, seed: int) -> Path:
    # The licensed file: national format, one a line, the listed numbers among many others.
    rng = random.Random(seed)
    lines = [f"0{n.removeprefix('+44')}" for n in numbers]
    lines += [f"0{rng.randint(1_000_000_000, 9_999_999_999)}" for _ in range(filler)]
    rng.shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_voip_06_the_call_list_is_screened_and_stale_or_listed_numbers_are_blocked(
    runtime: Runtime, clock: FixedClock, tmp_path: Path
) -> None:
    keyring = Keyring(secrets.token_bytes(32))
    with deploy("voip", tmp_path / "systems", "sqlite") as voip:
        call_list = voip.rows("dialler", "call_list")
        priya = voip.known["priya"]
    listed = [r for r in call_list if r["tps_listed"]]
    assert listed and len(listed) < len(call_list), "the example lists some numbers, not all"
    on_tps = [r["phone"] for r in listed if r["subscriber_type"] == "individual"]
    on_ctps = [r["phone"] for r in listed if r["subscriber_type"] == "corporate"]
    for name, numbers, seed in (("tps", on_tps, 1), ("ctps", on_ctps, 2)):
        tps_loading.import_list(
            runtime=runtime,
            path=_write(tmp_path / f"{name}.txt", numbers, 5_000, seed),
            list_name=name,
            as_of=FILE_DATE,
            actor="cli:sales-manager",
        )

    def verdict(number: str, on: date) -> tps.CallVerdict:
        with runtime.transaction() as session:
            return tps.call_screening(session=session, keyring=keyring, number=number, call_on=on)

    today = FILE_DATE + timedelta(days=10)
    for row in call_list:
        expected: tuple[str, ...] = ()
        if row["tps_listed"]:
            expected = (
                ("tps-listed",) if row["subscriber_type"] == "individual" else ("ctps-listed",)
            )
        assert verdict(row["phone"], today) == tps.CallVerdict(not expected, expected), row

    # Priya (screened, not listed) may be called until the 28th day after the file, not after.
    assert verdict(priya.phone, FILE_DATE + timedelta(days=28)).allowed
    stale = verdict(priya.phone, FILE_DATE + timedelta(days=29))
    assert stale == tps.CallVerdict(False, ("stale-screening",))

    # She tells the caller to stop: on the do-not-call list, blocked that same minute.
    with runtime.transaction() as session:
        suppression.suppress(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            actor="cli:sales",
            phone=priya.phone,
            reason="asked on a call not to be called again",
        )
    assert verdict(priya.phone, today) == tps.CallVerdict(False, ("do-not-call",))

    # A fresh file makes screening valid again for the others.
    other = next(r["phone"] for r in call_list if not r["tps_listed"] and r["phone"] != priya.phone)
    assert not verdict(other, FILE_DATE + timedelta(days=40)).allowed
    clock.advance(days=40)  # the business downloads the next month's files
    for name, numbers, seed in (("tps", on_tps, 3), ("ctps", on_ctps, 4)):
        tps_loading.import_list(
            runtime=runtime,
            path=_write(tmp_path / f"{name}-new.txt", numbers, 5_000, seed),
            list_name=name,
            as_of=FILE_DATE + timedelta(days=35),
            actor="cli:sales-manager",
        )
    assert verdict(other, FILE_DATE + timedelta(days=40)).allowed
