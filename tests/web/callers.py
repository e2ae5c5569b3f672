"""Callers of the app for the cross-domain web tests."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime


@dataclass
class Callers:
    app: FastAPI
    anonymous: TestClient
    sessions: dict[Role, TestClient]  # signed in as an account of that role
    csrf: dict[Role, str]  # each signed-in client's form token
    tokens: dict[Role, str]  # an API token of each role


def api_token(runtime: Runtime, role: Role, name: str) -> str:
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name=name, role=role, actor="test:fixture"
        )
    return token
