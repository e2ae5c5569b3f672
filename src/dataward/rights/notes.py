"""Staff's free text on a request (refusal reasons, extension reasons) is stored sealed.

Such text names people and circumstances ("the same request answered on 3 March for her
ex-husband"), so it is encrypted under the deployment's note key, and the audit chain keeps
only its keyed digest.
"""

from __future__ import annotations

from dataward.core.crypto import Keyring

REFUSED = "rights_requests.refused_reason"
EXTENSION = "rights_requests.extension_reason"
# What staff checked to tie an identity to the requester ("invoice INV-123 against the
# caller's postcode"), and why they included a record set aside for review.
EVIDENCE = "rights_requests.verification_evidence"
IDENTITY_EVIDENCE = "rights_request_identities.evidence"
REVIEW_NOTE = "rights_review_items.note"


def read(*, keyring: Keyring, stored: str | None, context: str) -> str | None:
    return None if stored is None else keyring.open_note(stored, context=context)
