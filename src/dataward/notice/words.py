"""Plain English for the notice, the ROPA and the recipient lists: the map's keys in words."""

from __future__ import annotations

import functools
import re

from dataward.policy.schema import (
    Art9Condition,
    LawfulBasis,
    Policy,
    RecipientRole,
    RetentionAction,
    RetentionRule,
    TransferSafeguard,
)
from dataward.policy.taxonomy import Taxonomy

ICO_NAME = "Information Commissioner's Office"
ICO_COMPLAINT_URL = "https://ico.org.uk/make-a-complaint/"
ICO_PHONE = "0303 123 1113"
ICO_ADDRESS = "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF"

LAWFUL_BASIS_TEXT: dict[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "your consent, which you can withdraw at any time",
    LawfulBasis.CONTRACT: (
        "our contract with you, or steps you asked us to take before entering into one"
    ),
    LawfulBasis.LEGAL_OBLIGATION: "a legal obligation: the law requires us to do this",
    LawfulBasis.VITAL_INTERESTS: "protecting someone's life (vital interests)",
    LawfulBasis.PUBLIC_TASK: "a task we carry out in the public interest",
    LawfulBasis.RECOGNISED_LEGITIMATE_INTEREST: (
        "a recognised legitimate interest set out in law, which needs no balancing test"
    ),
    LawfulBasis.LEGITIMATE_INTERESTS: (
        "our legitimate interests, balanced against your rights and interests"
    ),
}

# The Art 6 names the ICO's ROPA template expects, short and exact.
LAWFUL_BASIS_ARTICLE: dict[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "Art 6(1)(a) consent",
    LawfulBasis.CONTRACT: "Art 6(1)(b) contract",
    LawfulBasis.LEGAL_OBLIGATION: "Art 6(1)(c) legal obligation",
    LawfulBasis.VITAL_INTERESTS: "Art 6(1)(d) vital interests",
    LawfulBasis.PUBLIC_TASK: "Art 6(1)(e) public task",
    LawfulBasis.RECOGNISED_LEGITIMATE_INTEREST: "Art 6(1)(ea) recognised legitimate interest",
    LawfulBasis.LEGITIMATE_INTERESTS: "Art 6(1)(f) legitimate interests",
}

ART9_TEXT: dict[Art9Condition, str] = {
    Art9Condition.A_EXPLICIT_CONSENT: "Art 9(2)(a) your explicit consent",
    Art9Condition.B_EMPLOYMENT: "Art 9(2)(b) employment, social security and social protection law",
    Art9Condition.C_VITAL_INTERESTS: "Art 9(2)(c) protecting someone's life",
    Art9Condition.D_NOT_FOR_PROFIT: "Art 9(2)(d) a not-for-profit body's legitimate activities",
    Art9Condition.E_MADE_PUBLIC: "Art 9(2)(e) information you have made public",
    Art9Condition.F_LEGAL_CLAIMS: "Art 9(2)(f) establishing, exercising or defending legal claims",
    Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST: "Art 9(2)(g) substantial public interest",
    Art9Condition.H_HEALTH_OR_SOCIAL_CARE: "Art 9(2)(h) health or social care",
    Art9Condition.I_PUBLIC_HEALTH: "Art 9(2)(i) public health",
    Art9Condition.J_ARCHIVING_RESEARCH: "Art 9(2)(j) archiving, research or statistics",
}

SAFEGUARD_TEXT: dict[TransferSafeguard, str] = {
    TransferSafeguard.ADEQUACY: "UK adequacy regulations",
    TransferSafeguard.UK_DPF_EXTENSION: (
        "the UK Extension to the EU-US Data Privacy Framework (the recipient is certified)"
    ),
    TransferSafeguard.IDTA: "the ICO's International Data Transfer Agreement (IDTA)",
    TransferSafeguard.UK_ADDENDUM: "the EU standard contractual clauses with the UK Addendum",
    TransferSafeguard.ART49_EXCEPTION: "an exception for specific situations (Art 49)",
}

ROLE_TEXT: dict[RecipientRole, str] = {
    RecipientRole.PROCESSOR: "processor (acts on our instructions)",
    RecipientRole.CONTROLLER: "independent controller",
    RecipientRole.JOINT_CONTROLLER: "joint controller",
    RecipientRole.PUBLIC_AUTHORITY: "public authority",
}

# Longest matching prefix wins, so a specific data use can say more than its parent.
_PURPOSE_PHRASES: dict[str, str] = {
    "analytics": "to understand how our website and services are used",
    "collect": "to collect and keep information for later use",
    "employment": "to employ you and manage your employment",
    "employment.recruitment": "to consider your application for a job with us",
    "employment.recruitment.pre_employment_checks": "to carry out checks before you start work",
    "employment.administration": "to manage your employment: pay, records and HR",
    "essential": "to provide our services",
    "essential.fraud_detection": "to detect and prevent fraud and misuse",
    "essential.legal_obligation": "to meet our legal obligations",
    "essential.service": "to provide the service you asked for",
    "essential.service.authentication": "to check who you are when you sign in",
    "essential.service.notifications": "to send you messages about your service",
    "essential.service.operations": "to run and look after the service you use",
    "essential.service.operations.support": "to give you support and answer your questions",
    "essential.service.operations.improve": "to improve the support we give you",
    "essential.service.payment_processing": "to take payments",
    "essential.service.security": "to keep our systems and your information secure",
    "essential.service.upgrades": "to tell you about upgrades to your service",
    "essential.service.operations.remote_support": "to connect to your device and fix problems",
    "essential.service.operations.device_monitoring": "to monitor the devices we look after",
    "essential.service.operations.backup": "to back up your data",
    "essential.service.operations.quality_assurance": "to check the quality of our service",
    "essential.service.operations.complaints": "to handle your complaint",
    "essential.service.notifications.emergency": "to warn you about emergencies and outages",
    "essential.service.security.cctv": "to keep our premises and the people in them safe",
    "finance": "to keep our accounts and meet tax rules",
    "functional": "to make our website and services work",
    "functional.service.improve": "to improve our services",
    "marketing": "to tell you about our products and services",
    "marketing.advertising": "to advertise our products and services",
    "marketing.communications": "to send you marketing about our products and services",
    "marketing.communications.email": "to send you marketing emails",
    "marketing.communications.sms": "to send you marketing text messages",
    "marketing.communications.telemarketing": "to phone you about our products and services",
    "marketing.communications.post": "to send you marketing by post",
    "marketing.publication": "to publish what you agreed we could publish",
    "marketing.publication.testimonials": "to publish your feedback as a testimonial",
    "operations": "to run our business",
    "personalize": "to personalise what you see",
    "sales": "to answer your enquiry and offer you our services",
    "sales.enquiries": "to answer your enquiry",
    "third_party_sharing": "to share information with others",
    "third_party_sharing.legal_obligation": "to share information where the law requires it",
    "train_ai_system": "to train an AI system",
}

# Fideslang's names are written for engineers ("User Contact Email"); readers need these.
_CATEGORY_WORDS: dict[str, str] = {
    "user.contact.email": "email address",
    "user.contact.phone_number": "phone number",
    "user.contact.address": "postal address",
    "user.contact.address.postal_code": "postcode",
    "user.contact.address.street": "street address",
    "user.contact.address.city": "town or city",
    "user.unique_id": "customer or account number",
    "user.account": "account details",
    "user.account.username": "username",
    "user.device.cookie": "cookies",
    "user.contact.organization": "organisation",
    "user.contact.url": "website address",
    "user.name": "name",
    "user.name.first": "first name",
    "user.name.last": "last name",
    "user.job_title": "job title",
    "user.device.ip_address": "IP address",
    "user.device.device_id": "device identifier",
    "user.device.cookie_id": "cookie identifier",
    "user.financial.bank_account": "bank account details",
    "user.financial.credit_card": "payment card details",
    "user.payment": "payment details",
    "user.criminal_history": "criminal convictions and offences",
    "user.health_and_medical": "health information",
    "user.government_id.drivers_license_number": "driving licence number",
    "user.government_id.passport_number": "passport number",
    "user.government_id.national_identification_number": "National Insurance number",
    "user.demographic.date_of_birth": "date of birth",
    "user.behavior.browsing_history": "pages you visited on our website",
    "user.behavior.purchase_history": "what you have bought from us",
    "user.privacy_preferences": "your privacy and marketing choices",
    "system.operations": "records of how our systems are used",
}


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# RULES.md §8: places with UK adequacy regulations (USA only via the DPF extension).
EEA = _codes("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE")
EEA |= _codes("IS LI NO")
ADEQUATE = EEA | _codes("GI CH CA AR GG IM JE AD IL UY NZ JP KR")
UK = "GB"


def humanise(key: str) -> str:
    """`job_applicant` → `job applicant`; `user.content.call_recording` → `call recording`."""
    return key.rsplit(".", 1)[-1].replace("_", " ").replace("-", " ").strip()


def category_label(taxonomy: Taxonomy, key: str) -> str:
    term = taxonomy.categories.get(key)
    if term is not None and term.origin == "policy":
        return _lower_first(term.name)
    if key in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[key]
    if term is not None:
        return _lower_words(re.sub(r"^(User Contact|User)\s+", "", term.name))
    return humanise(key)


def _lower_words(text: str) -> str:
    """Taxonomy names are Title Case ('Account Settings'); prose is not, acronyms aside."""
    return " ".join(w if w[1:2].isupper() else w[:1].lower() + w[1:] for w in text.split())


def _lower_first(text: str) -> str:
    """'Call recording' → 'call recording', but 'IP address' and 'CCTV footage' stay."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def purpose_phrase(taxonomy: Taxonomy, data_use: str) -> str:
    parts = data_use.split(".")
    for end in range(len(parts), 0, -1):
        phrase = _PURPOSE_PHRASES.get(".".join(parts[:end]))
        if phrase:
            return phrase
    term = taxonomy.uses.get(data_use)
    return f"for {_lower_first(term.name)}" if term else f"for {humanise(data_use)}"


def subject_name(policy: Policy, taxonomy: Taxonomy, key: str) -> str:
    """What the map calls this kind of person: its own name first, then the taxonomy's."""
    own = next((s.name for s in policy.subjects if s.key == key and s.name), None)
    if own:
        return own
    term = taxonomy.subjects.get(key)
    return term.name if term is not None else humanise(key).capitalize()


def subject_heading(policy: Policy, taxonomy: Taxonomy, key: str) -> str:
    """'If you are a customer', 'If you applied for a job': the reader's own words."""
    reader = next((s.reader for s in policy.subjects if s.key == key and s.reader), None)
    if reader:
        reader = reader.strip().rstrip(".")
        reader = re.sub(r"^(if you|you)\s+", "", reader, flags=re.IGNORECASE)
        if re.match(r"^(a|an|the|one|part|in|on|at)\b", reader, re.IGNORECASE):
            return f"If you are {reader}"
        return f"If you {reader}"
    noun = _lower_first(subject_name(policy, taxonomy, key)).replace("/", " or ")
    if noun.endswith("s") and not noun.endswith("ss"):
        noun = noun[:-1]  # the map may name the group ("Customers"); the reader is one of them
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"If you are {article} {noun}"


@functools.cache
def country_name(code: str) -> str:
    if code == UK:
        return "the United Kingdom"
    # Imported here: the geocoder loads ~0.5 s of data that most commands never need.
    import phonenumbers
    from phonenumbers import geocoder

    example = phonenumbers.example_number(code)
    name = geocoder.country_name_for_number(example, "en") if example else ""
    return name or code


def singular(noun: str) -> str:
    """'enquiries' → 'enquiry', 'calls' → 'call': collection names are plural nouns."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("sses", "ches", "shes", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


# Past participles that read wrongly as "the thing is <word>": what the reader did, or an
# event that simply happens to the thing.
_PERSON_ACTS = {
    "applied": "you apply",
    "consented": "you consent",
    "enquired": "you enquire",
    "registered": "you register",
    "subscribed": "you subscribe",
    "unsubscribed": "you unsubscribe",
    "withdrawn": "you withdraw",
}
_HAPPENS = {"started": "starts", "ended": "ends", "expired": "expires", "finished": "finishes"}
_TAKES_PLACE = {"occurred", "happened", "held"}


def event_phrase(after: str, *, thing: str | None = None) -> str:
    """The retention trigger in words: `recorded_at` of calls → 'the call is recorded'."""
    owner, _, field = after.rpartition(".")
    words = [w for w in re.sub(r"_(at|on|date|time|ts)$", "", field).split("_") if w]
    if not words:
        return humanise(after)
    noun = humanise(singular(owner)) if owner else thing
    last = words[-1]
    if len(words) == 1 and last in _PERSON_ACTS:
        return _PERSON_ACTS[last]
    if len(words) == 1 and noun and (last in _TAKES_PLACE or _same_root(last, noun)):
        return f"the {noun}"  # "after the visit", not "after the visit is visited"
    if len(words) == 1 and noun and last in _HAPPENS:
        return f"the {noun} {_HAPPENS[last]}"
    if len(words) == 1 and last.endswith("ed"):
        return f"the {noun} is {last}" if noun else f"it is {last}"
    if last.endswith("ed"):
        return f"the {' '.join(words[:-1])} {last}"
    return f"the {' '.join(words)} date"


def _same_root(participle: str, noun: str) -> bool:
    """'visited' and 'visit', 'enquired' and 'enquiry' name one event."""
    stem = re.sub(r"e?d$", "", participle)
    return len(stem) >= 4 and noun.replace(" ", "").startswith(stem[:5])


def retention_words(rule: RetentionRule, *, thing: str | None = None) -> str:
    """'3 months after the call is recorded, then deleted'."""
    action = {
        RetentionAction.DELETE: "then deleted",
        RetentionAction.ANONYMISE: "then anonymised so it no longer identifies you",
        RetentionAction.REVIEW: "then reviewed and deleted if no longer needed",
    }[rule.action]
    return f"{rule.parsed_period} after {event_phrase(rule.after, thing=thing)}, {action}"


def sentence(text: str) -> str:
    """Policy text as a sentence: a capital first letter and a full stop at the end."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def join_words(items: list[str]) -> str:
    """'a, b and c'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"
