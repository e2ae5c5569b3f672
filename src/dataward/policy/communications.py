"""The policy's communications: the channels a business contacts people by, and the cookie
banner of its website."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from dataward.policy.values import ColumnPaths, Strict, WebLink


class ChannelKind(StrEnum):
    MARKETING = "marketing"
    SERVICE = "service"
    EMERGENCY = "emergency"


class Medium(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    POST = "post"
    AUTOMATED_CALL = "automated_call"


class Channel(Strict):
    kind: ChannelKind
    media: list[Medium] = Field(min_length=1)
    purpose: str | None = None
    description: str | None = None
    soft_opt_in: bool = False
    subjects: list[str] = Field(default_factory=list)
    opt_out: str | None = Field(default=None, description="how a person opts out")
    opt_in: ColumnPaths = Field(default_factory=list)  # columns an objection writes false


class CookieBasis(StrEnum):
    """Why a category of cookies may be set (PECR reg 6 and its Schedule A1)."""

    STRICTLY_NECESSARY = "strictly_necessary"  # the service the visitor asked for needs it
    COMMUNICATION = "communication"  # needed to carry a communication
    # Exempt when the visitor is told clearly and can object simply: on until they object.
    ANALYTICS = "analytics"  # statistics to improve the website or service
    PREFERENCES = "preferences"  # the appearance or functions the visitor chose
    CONSENT = "consent"  # everything else (advertising, tracking): off until they agree


class CookieCategory(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$", description="short id, e.g. analytics")
    name: str
    description: str
    basis: CookieBasis
    cookies: list[str] = Field(default_factory=list, description="the cookies' names, shown")


class CookieBanner(Strict):
    """The cookie banner Dataward serves for the business's website (`/consent.js`)."""

    version: str = Field(min_length=1, max_length=40, description="recorded with each choice")
    websites: list[WebLink] = Field(
        min_length=1, description="the sites whose pages may record visitors' choices"
    )
    categories: list[CookieCategory] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> CookieBanner:
        keys = [c.key for c in self.categories]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"cookie category keys repeat: {', '.join(repeated)}")
        return self
