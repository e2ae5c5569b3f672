"""May this person be contacted on this channel now? PECR's rules over the ledger.

Email and SMS marketing needs consent for that channel, or the soft opt-in where the policy
allows it for the channel: details obtained in a sale (a `sale` event), never opted out.
Live calls need a clean TPS/CTPS screening and no entry on the do-not-call list. Service and
emergency channels are not marketing: nobody can opt out of them, and they can never carry
marketing. Suppression always wins. Checks run in batches, so a list of a million rows costs
a few queries per thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dataward.consent import service as suppression
from dataward.consent import tps
from dataward.consent.ledger import LedgerAction, Medium, events_for, purpose_name
from dataward.consent.models import ConsentEvent
from dataward.consent.preferences import ever_opted_out, latest
from dataward.core import bulk_lookup
from dataward.core.crypto import Keyring, normalise_email, normalise_phone
from dataward.core.errors import Conflict, UsageError
from dataward.notice import gate
from dataward.people.models import Person
from dataward.policy.schema import ChannelKind, LawfulBasis, Policy

# Why a contact may go ahead (the basis) or not: stable words for reports and the API.
CONSENT = "consent"
SOFT_OPT_IN = "soft-opt-in"
SERVICE = "service-message"
NO_OBJECTION = "not-objected"
SUPPRESSED = "suppressed"
WITHDRAWN = "withdrawn"
OBJECTED = "objected"
NO_CONSENT = "no-consent"
NOT_SOFT_OPT_IN = "not-eligible-for-soft-opt-in"
NO_ADDRESS = "no-address"
INVALID = "invalid-address"
ELECTRONIC = frozenset({Medium.EMAIL, Medium.SMS, Medium.AUTOMATED_CALL})
BATCH = 1000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # When allowed, the basis (consent, soft-opt-in, ...); when not, every reason why not.
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Call:
    """A live call that passed the ledger: the batch screens it against TPS/CTPS next."""

    consented: bool


@dataclass(frozen=True)
class Target:
    """What is about to be sent: a channel of the policy and its medium, or a purpose."""

    purpose: str
    medium: Medium
    kind: ChannelKind | None  # None: a purpose of its own (publishing feedback)
    soft_opt_in: bool = False
    consent_based: bool = True  # an activity using the channel rests on consent

    @property
    def is_channel(self) -> bool:
        return self.kind is not None


def _medium(value: str) -> Medium:
    try:
        return Medium(value.strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in Medium if m is not Medium.ALL)
        raise UsageError(f"{value!r} is not a medium", fix=f"use one of: {allowed}") from None


def target(
    policy: Policy,
    *,
    channel: str | None = None,
    purpose: str | None = None,
    medium: str | None = None,
    marketing: bool = False,
) -> Target:
    """The channel (`marketing`, or `marketing-email` naming the medium too) or purpose."""
    if (channel is None) == (purpose is None):
        raise UsageError("give either a channel or a purpose", fix="e.g. --channel marketing")
    if purpose is not None:
        name = purpose_name(purpose)
        if name in policy.channels:
            channel = name
        else:
            return Target(purpose=name, medium=_medium(medium or Medium.ALL.value), kind=None)
    assert channel is not None
    name = channel.strip().lower()
    if name not in policy.channels:
        head, _, tail = name.rpartition("-")
        if head in policy.channels and tail in {m.value for m in Medium}:
            name, medium = head, medium or tail
    found = policy.channels.get(name)
    if found is None:
        known = ", ".join(sorted(policy.channels)) or "none"
        raise UsageError(f"the policy has no channel {channel!r}", fix=f"its channels are: {known}")
    media = [m.value for m in found.media]
    if medium is None:
        if len(media) != 1:
            raise UsageError(
                f"the {name} channel carries {', '.join(media)}: say which",
                fix=f"e.g. --medium {media[0]} or --channel {name}-{media[0]}",
            )
        medium = media[0]
    chosen = _medium(medium)
    if chosen.value not in media:
        raise UsageError(
            f"the {name} channel does not carry {chosen.value}",
            fix=f"it carries: {', '.join(media)}",
        )
    if found.kind is not ChannelKind.MARKETING and marketing:
        raise Conflict(
            f"the {name} channel is for {found.kind.value} messages: it can never carry marketing",
            fix="send marketing on a marketing channel, to people who may receive it",
        )
    users = [a for a in policy.activities if name in a.channels]
    return Target(
        purpose=name,
        medium=chosen,
        kind=found.kind,
        soft_opt_in=found.soft_opt_in,
        consent_based=any(a.lawful_basis is LawfulBasis.CONSENT for a in users) or not users,
    )


# An identified contact: its email's and phone's keyed hashes, its number in TPS stored form.
_Identified = tuple[str | None, str | None, int | None]


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None


class Screener:
    """Verdicts for contacts, a batch at a time, for one target on one day."""

    def __init__(
        self,
        *,
        session: Session,
        keyring: Keyring,
        policy: Policy,
        target: Target,
        on: date,
        whole_list: bool = False,
    ) -> None:
        if target.is_channel:
            # A channel whose activity is new, and not yet told to the people, sends nothing.
            for block in gate.blocked_channel_users(
                session=session, policy=policy, channel=target.purpose, on=on
            ):
                raise gate.PurposeNotNotified(
                    f"the {target.purpose} channel is used by {block.activity!r}, which is "
                    f"blocked: {block.reason}",
                    fix=block.fix,
                )
        keyring.attach(session)
        self.session, self.keyring, self.target, self.on = session, keyring, target, on
        # A whole list is judged against the suppression list as it stood when its screen
        # started, held in memory (or None for a kind too long to hold: asked per batch).
        self._held: dict[str, frozenset[str] | None] = {}
        if whole_list:
            for kind in suppression.KINDS:
                self._held[kind] = suppression.snapshot(session=session, kind=kind)

    def check(self, contact: Contact) -> Verdict:
        return self.verdicts([contact])[0]

    def verdicts(self, contacts: Sequence[Contact]) -> list[Verdict]:
        if self.target.kind in (ChannelKind.SERVICE, ChannelKind.EMERGENCY):
            # Sent under the contract or for safety: no opt-out, no suppression applies.
            return [Verdict(True, (SERVICE,)) for _ in contacts]
        results: list[Verdict] = []
        for start in range(0, len(contacts), BATCH):
            results.extend(self._batch(contacts[start : start + BATCH]))
        return results

    def _identify(self, contact: Contact) -> _Identified | None:
        """The contact's keyed hashes and its number's stored form; None when either value
        is not an address or a number. Each value is normalised once."""
        keyring = self.keyring
        try:
            email = contact.email
            email_hash = (
                None if email is None else keyring.normalised_hash("email", normalise_email(email))
            )
            if contact.phone is None:
                return email_hash, None, None
            e164 = normalise_phone(contact.phone)
        except UsageError:
            return None
        return email_hash, keyring.normalised_hash("phone", e164), int(e164[1:])

    def _batch(self, contacts: Sequence[Contact]) -> list[Verdict]:
        identified = [self._identify(contact) for contact in contacts]
        emails = {h[0] for h in identified if h and h[0]}
        phones = {h[1] for h in identified if h and h[1]}
        suppressed = self._suppressed(emails, phones)
        owners = self._owners(emails, phones)
        events = events_for(
            session=self.session, pseudonyms=owners.values(), purpose=self.target.purpose
        )
        verdicts: list[Verdict] = []
        calls: list[tuple[int, int, bool]] = []
        for contact, hashes in zip(contacts, identified, strict=True):
            if hashes is None:
                verdicts.append(Verdict(False, (INVALID,)))
                continue
            email_hash, phone_hash, number = hashes
            owner = owners.get(email_hash or "") or owners.get(phone_hash or "")
            decided = self._decide(
                contact,
                suppressed=email_hash in suppressed or phone_hash in suppressed,
                events=events.get(owner or "", []),
            )
            if isinstance(decided, _Call):
                assert number is not None  # a call needs a number (else no-address above)
                calls.append((len(verdicts), number, decided.consented))
                decided = Verdict(False, ("not-screened",))  # until the screening below
            verdicts.append(decided)
        if calls:
            self._calls(calls, verdicts)
        return verdicts

    def _suppressed(self, emails: set[str], phones: set[str]) -> set[str]:
        found: set[str] = set()
        for kind, hashes in (("email", emails), ("phone", phones)):
            if not hashes:  # a query only for the kinds the batch has
                continue
            held = self._held.get(kind)
            if held is not None:
                found |= hashes & held
            else:
                found |= suppression.suppressed_hashes(
                    session=self.session, kind=kind, hashes=hashes
                )
        return found

    def _owners(self, emails: set[str], phones: set[str]) -> dict[str, str]:
        """Identifier hash to the pseudonym of the person holding it (the oldest, should two
        people hold one)."""
        rows: list[tuple[int, str, str]] = []
        for column, hashes in (("email_hash", emails), ("phone_hash", phones)):
            if hashes:
                rows += bulk_lookup.rows_where_in(
                    self.session,
                    table=Person.__tablename__,
                    columns=["id", column, "pseudonym"],
                    key=column,
                    values=hashes,
                )
        rows.sort(reverse=True)  # newest first, so that the oldest holder is the one kept
        return {h: p for _, h, p in rows if h}

    def _decide(
        self, contact: Contact, *, suppressed: bool, events: Sequence[ConsentEvent]
    ) -> Verdict | _Call:
        target = self.target
        needed = contact.phone if target.medium is Medium.PHONE else contact.email
        if target.medium in (Medium.SMS, Medium.AUTOMATED_CALL):
            needed = contact.phone
        if target.is_channel and target.medium is not Medium.POST and needed is None:
            return Verdict(False, (NO_ADDRESS,))
        if suppressed:
            return Verdict(False, (SUPPRESSED,))
        deciding = latest(events, target.medium.value)
        state = deciding.action if deciding is not None else None
        if state == LedgerAction.WITHDRAWN.value:
            return Verdict(False, (WITHDRAWN,))
        if state == LedgerAction.OBJECTED.value:
            return Verdict(False, (OBJECTED,))
        if target.medium is Medium.PHONE and target.is_channel:
            consented = state == LedgerAction.GIVEN.value
            if self.target.consent_based and not consented:
                return Verdict(False, (NO_CONSENT,))
            return _Call(consented)
        if state == LedgerAction.GIVEN.value:
            return Verdict(True, (CONSENT,))
        if not target.is_channel:
            return Verdict(False, (NO_CONSENT,))
        if target.medium in ELECTRONIC:
            return self._soft_opt_in(state, events)
        # Post: consent where the activity rests on it, otherwise until the person objects.
        if target.consent_based:
            return Verdict(False, (NO_CONSENT,))
        return Verdict(True, (NO_OBJECTION,))

    def _soft_opt_in(self, state: str | None, events: Sequence[ConsentEvent]) -> Verdict:
        target = self.target
        if not target.soft_opt_in or target.medium is Medium.AUTOMATED_CALL:
            return Verdict(False, (NO_CONSENT,))
        if state != LedgerAction.SALE.value or ever_opted_out(events, target.medium.value):
            # An enquirer who never bought, or a customer who once opted out.
            return Verdict(False, (NOT_SOFT_OPT_IN,))
        return Verdict(True, (SOFT_OPT_IN,))

    def _calls(self, pending: list[tuple[int, int, bool]], verdicts: list[Verdict]) -> None:
        """Screen the batch's calls at once against TPS and CTPS.

        Consent to this caller's calls is the subscriber telling it they do not object: TPS and
        CTPS no longer bar the call, the do-not-call list still does (PECR reg 21). That list
        is the suppression list's numbers, which _decide has already refused as suppressed."""
        screened = tps.screen_keys(
            session=self.session,
            keys=[number for _, number, _ in pending],
            barred=[False] * len(pending),
            call_on=self.on,
            told_no_objection={number for _, number, consented in pending if consented},
        )
        for (at, _, consented), verdict in zip(pending, screened, strict=True):
            if not verdict.allowed:
                verdicts[at] = Verdict(False, verdict.reasons)
            else:
                verdicts[at] = Verdict(True, (CONSENT if consented else NO_OBJECTION,))
