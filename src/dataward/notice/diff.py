"""What changed between two notices, in words, and which changes people must hear about first."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from dataward.notice.structure import Notice, Purpose
from dataward.notice.words import join_words

TELL_FIRST = "people must be told before it starts"


class ChangeKind(StrEnum):
    PURPOSE_ADDED = "purpose_added"
    PURPOSE_REMOVED = "purpose_removed"
    PURPOSE_CHANGED = "purpose_changed"
    SUBJECTS_ADDED = "subjects_added"
    LAWFUL_BASIS_CHANGED = "lawful_basis_changed"
    CATEGORIES_ADDED = "categories_added"
    CATEGORIES_REMOVED = "categories_removed"
    SOURCE_CHANGED = "source_changed"
    RETENTION_CHANGED = "retention_changed"
    SHARING_CHANGED = "sharing_changed"
    RECIPIENT_ADDED = "recipient_added"
    RECIPIENT_REMOVED = "recipient_removed"
    RECIPIENT_CHANGED = "recipient_changed"
    TRANSFER_ADDED = "transfer_added"
    TRANSFER_REMOVED = "transfer_removed"
    TRANSFER_CHANGED = "transfer_changed"
    CONTROLLER_CHANGED = "controller_changed"
    DPO_CHANGED = "dpo_changed"
    AUTOMATED_DECISIONS_CHANGED = "automated_decisions_changed"


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    subject: str  # the activity, recipient or section it concerns
    text: str
    tell_before_start: bool = False


def _labels(purpose: Purpose) -> dict[str, str]:
    return {c.key: c.label for c in purpose.categories}


def _purpose_changes(old: Purpose, new: Purpose) -> list[Change]:
    name = new.activity
    changes: list[Change] = []
    if old.purpose_key != new.purpose_key or old.purpose_text != new.purpose_text:
        changes.append(
            Change(
                kind=ChangeKind.PURPOSE_CHANGED,
                subject=name,
                text=f"Purpose of '{name}' changed from \"{old.purpose_text}\" to "
                f'"{new.purpose_text}": {TELL_FIRST}',
                tell_before_start=True,
            )
        )
    added_subjects = [s for s in new.subjects if s not in old.subjects]
    if added_subjects:
        changes.append(
            Change(
                kind=ChangeKind.SUBJECTS_ADDED,
                subject=name,
                text=f"'{name}' now also covers {join_words(added_subjects)}: {TELL_FIRST}",
                tell_before_start=True,
            )
        )
    if old.lawful_basis != new.lawful_basis or old.legitimate_interest != new.legitimate_interest:
        changes.append(
            Change(
                kind=ChangeKind.LAWFUL_BASIS_CHANGED,
                subject=name,
                text=f"Lawful basis of '{name}' changed from {old.lawful_basis} to "
                f"{new.lawful_basis}"
                + (f" ({new.legitimate_interest})" if new.legitimate_interest else ""),
            )
        )
    old_labels, new_labels = _labels(old), _labels(new)
    added = [label for key, label in new_labels.items() if key not in old_labels]
    removed = [label for key, label in old_labels.items() if key not in new_labels]
    if added:
        changes.append(
            Change(
                kind=ChangeKind.CATEGORIES_ADDED,
                subject=name,
                text=f"'{name}' now also uses: {join_words(added)}",
            )
        )
    if removed:
        changes.append(
            Change(
                kind=ChangeKind.CATEGORIES_REMOVED,
                subject=name,
                text=f"'{name}' no longer uses: {join_words(removed)}",
            )
        )
    if old.source != new.source:
        changes.append(
            Change(
                kind=ChangeKind.SOURCE_CHANGED,
                subject=name,
                text=f"Source for '{name}' changed from {old.source} to {new.source}",
            )
        )
    old_retention = old.retention.text if old.retention else "not stated"
    new_retention = new.retention.text if new.retention else "not stated"
    if old_retention != new_retention:
        changes.append(
            Change(
                kind=ChangeKind.RETENTION_CHANGED,
                subject=name,
                text=f"Retention for '{name}' changed from \"{old_retention}\" to "
                f'"{new_retention}"',
            )
        )
    shared_with = [r for r in new.recipients if r not in old.recipients]
    no_longer = [r for r in old.recipients if r not in new.recipients]
    if shared_with or no_longer:
        parts = []
        if shared_with:
            parts.append(f"now shared with {join_words(shared_with)}")
        if no_longer:
            parts.append(f"no longer shared with {join_words(no_longer)}")
        changes.append(
            Change(
                kind=ChangeKind.SHARING_CHANGED,
                subject=name,
                text=f"'{name}' is {' and '.join(parts)}",
            )
        )
    if old.automated_decision_making != new.automated_decision_making:
        changes.append(
            Change(
                kind=ChangeKind.AUTOMATED_DECISIONS_CHANGED,
                subject=name,
                text=f"Automated decisions in '{name}': "
                f"{new.automated_decision_making or 'none any more'}",
                tell_before_start=bool(new.automated_decision_making),
            )
        )
    return changes


def diff_notices(old: Notice, new: Notice) -> list[Change]:
    """Changes from `old` to `new`, in the order a reader would want them: purposes first."""
    changes: list[Change] = []
    old_purposes = {p.activity: p for p in old.purposes}
    new_purposes = {p.activity: p for p in new.purposes}
    for name, purpose in new_purposes.items():
        if name not in old_purposes:
            changes.append(
                Change(
                    kind=ChangeKind.PURPOSE_ADDED,
                    subject=name,
                    text=f"New purpose '{name}': {purpose.purpose_text} "
                    f"(basis: {purpose.lawful_basis}): {TELL_FIRST}",
                    tell_before_start=True,
                )
            )
        else:
            changes.extend(_purpose_changes(old_purposes[name], purpose))
    for name in old_purposes:
        if name not in new_purposes:
            changes.append(
                Change(
                    kind=ChangeKind.PURPOSE_REMOVED,
                    subject=name,
                    text=f"Purpose '{name}' removed",
                )
            )
    changes.extend(_recipient_changes(old, new))
    changes.extend(_transfer_changes(old, new))
    if old.controller != new.controller:
        fields = [
            field
            for field in type(new.controller).model_fields
            if getattr(old.controller, field) != getattr(new.controller, field)
        ]
        changes.append(
            Change(
                kind=ChangeKind.CONTROLLER_CHANGED,
                subject="controller",
                text=f"Controller details changed: {join_words(fields)}".replace("_", " "),
            )
        )
    if old.dpo != new.dpo:
        text = f"Data protection officer is now {new.dpo.name}" if new.dpo else "No DPO any more"
        changes.append(Change(kind=ChangeKind.DPO_CHANGED, subject="dpo", text=text))
    return changes


def _recipient_changes(old: Notice, new: Notice) -> list[Change]:
    changes: list[Change] = []
    before = {r.name: r for r in old.recipients}
    after = {r.name: r for r in new.recipients}
    for name, recipient in after.items():
        if name not in before:
            where = f" in {recipient.country_name}" if recipient.country_name else ""
            changes.append(
                Change(
                    kind=ChangeKind.RECIPIENT_ADDED,
                    subject=name,
                    text=f"New recipient {name} ({recipient.service or 'service not described'})"
                    f"{where}",
                )
            )
        elif (recipient.service, recipient.role, recipient.country_name) != (
            before[name].service,
            before[name].role,
            before[name].country_name,
        ):
            changes.append(
                Change(
                    kind=ChangeKind.RECIPIENT_CHANGED,
                    subject=name,
                    text=f"Recipient {name} changed: now {recipient.service}, {recipient.role}, "
                    f"{recipient.country_name}",
                )
            )
    for name in before:
        if name not in after:
            changes.append(
                Change(
                    kind=ChangeKind.RECIPIENT_REMOVED,
                    subject=name,
                    text=f"Recipient {name} removed",
                )
            )
    return changes


def _transfer_changes(old: Notice, new: Notice) -> list[Change]:
    changes: list[Change] = []
    before = {(t.recipient or t.system or "", t.country): t for t in old.transfers}
    after = {(t.recipient or t.system or "", t.country): t for t in new.transfers}
    for key, transfer in after.items():
        who = key[0]
        previous = before.get(key)
        if previous is None:
            changes.append(
                Change(
                    kind=ChangeKind.TRANSFER_ADDED,
                    subject=who,
                    text=f"New transfer to {transfer.country_name} ({who}), safeguard: "
                    f"{transfer.safeguard_text or 'none recorded'}",
                )
            )
        elif previous.safeguard != transfer.safeguard:
            changes.append(
                Change(
                    kind=ChangeKind.TRANSFER_CHANGED,
                    subject=who,
                    text=f"Safeguard for the transfer to {transfer.country_name} ({who}) is now "
                    f"{transfer.safeguard_text or 'none recorded'}",
                )
            )
    for key, transfer in before.items():
        if key not in after:
            changes.append(
                Change(
                    kind=ChangeKind.TRANSFER_REMOVED,
                    subject=key[0],
                    text=f"No more transfer to {transfer.country_name} ({key[0]})",
                )
            )
    return changes
