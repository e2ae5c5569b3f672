"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from dataward.core.db import Base

MODEL_MODULES = (
    "dataward.core.jobs",
    "dataward.core.crypto",
    "dataward.consent.models",
    "dataward.audit.models",
    "dataward.people.models",
    "dataward.notice.models",
    "dataward.rights.models",
    "dataward.retention.models",
)


def metadata() -> MetaData:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
