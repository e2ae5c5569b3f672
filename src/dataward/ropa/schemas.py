"""Pydantic shapes of the record of processing as JSON (the API's `?format=json`)."""

from __future__ import annotations

from dataward.core.schemas import Schema
from dataward.ropa.recipients import RecipientEntry
from dataward.ropa.service import COLUMNS, Ropa


class ControllerLine(Schema):
    name: str
    text: str


class RopaOut(Schema):
    organisation: str
    controller: list[ControllerLine]
    # The ICO template's columns, in order; each row maps every column to its text.
    columns: list[str]
    rows: list[dict[str, str]]
    recipients: list[RecipientEntry]


def ropa_out(ropa: Ropa, *, organisation: str) -> RopaOut:
    return RopaOut(
        organisation=organisation,
        controller=[ControllerLine(name=name, text=text) for name, text in ropa.controller],
        columns=list(COLUMNS),
        rows=ropa.rows,
        recipients=ropa.recipients,
    )
