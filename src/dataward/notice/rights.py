"""What the notice says about rights, consent and automated decisions, by lawful basis."""

from __future__ import annotations

from dataward.notice.structure import Purpose, Right
from dataward.notice.words import join_words
from dataward.policy.schema import LawfulBasis


def _names(purposes: list[Purpose], *bases: LawfulBasis) -> list[str]:
    return [p.activity for p in purposes if p.lawful_basis in {b.value for b in bases}]


def rights_for(purposes: list[Purpose]) -> list[Right]:
    rights = [
        Right(
            key="access",
            title="See your information",
            text="You can ask whether we hold information about you and for a copy of it, "
            "with what we use it for, who we share it with and how long we keep it.",
            activities=[],
        ),
        Right(
            key="rectification",
            title="Correct your information",
            text="You can ask us to correct information that is wrong or complete what is "
            "missing; we pass the correction on to those we shared it with.",
            activities=[],
        ),
        Right(
            key="erasure",
            title="Have your information deleted",
            text="You can ask us to delete your information. We will, unless we must keep it, "
            "for example because the law requires it or for a legal claim; if so we tell you "
            "what we kept, why and until when.",
            activities=[],
        ),
        Right(
            key="restriction",
            title="Restrict how we use it",
            text="You can ask us to only store your information, and not otherwise use it, "
            "while we check its accuracy or an objection, or when you need it kept for a "
            "legal claim. We tell you before we lift a restriction.",
            activities=[],
        ),
    ]
    objectable = _names(
        purposes,
        LawfulBasis.LEGITIMATE_INTERESTS,
        LawfulBasis.RECOGNISED_LEGITIMATE_INTEREST,
        LawfulBasis.PUBLIC_TASK,
    )
    marketing = [p.activity for p in purposes if p.purpose_key.startswith("marketing")]
    objection = (
        "You can object to our using your information for our legitimate interests or a "
        "public task"
        + (f" ({join_words(objectable)})" if objectable else "")
        + "; we then stop unless we have compelling grounds that we record. "
        "You can object to direct marketing at any time, and we will stop straight away and "
        "for good: we keep only a scrambled (hashed) copy of your address or number so that "
        "we never market to it again."
    )
    rights.append(
        Right(
            key="objection",
            title="Object",
            text=objection,
            activities=list(dict.fromkeys(objectable + marketing)),
        )
    )
    portable = [p.activity for p in purposes if p.portable]
    if portable:
        rights.append(
            Right(
                key="portability",
                title="Take your information elsewhere",
                text="Where we use information you gave us on the basis of your consent or our "
                f"contract ({join_words(portable)}), you can ask for it in a structured, "
                "machine-readable form, or for us to send it to another organisation.",
                activities=portable,
            )
        )
    return rights


def adm_statement(purposes: list[Purpose]) -> str:
    automated = [p for p in purposes if p.automated_decision_making]
    if not automated:
        return (
            "We do not make decisions about you based solely on automated processing, "
            "including profiling, that have legal or similarly significant effects on you."
        )
    return (
        "We make some decisions by automated means: "
        + "; ".join(f"{p.activity}: {p.automated_decision_making}" for p in automated)
        + ". You can ask for a person to review any such decision, give your point of view "
        "and contest it."
    )
