"""Links the policy may give (a website, a contract, a DPIA), which the notice prints."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator


def _web_link(value: str) -> str:
    # A link the notice may print as <a href>: `javascript:` or `data:` would run in a reader's
    # browser, so only web pages and email addresses are links.
    text = value.strip()
    if not re.fullmatch(r"(?i)(https?://[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)", text):
        raise ValueError("write a web address starting https:// (or http://), or mailto:ADDRESS")
    return text


WebLink = Annotated[str, AfterValidator(_web_link)]
