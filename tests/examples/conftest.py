"""Generated example systems, built once per test session and shared read-only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., GeneratedExample]:
    """`generated("voip")`: that example built under a session temp folder, cached per name,
    people and seed. Tests must not change what it built."""
    cache: dict[tuple[str, int, int], GeneratedExample] = {}

    def build(name: str, *, people: int = 200, seed: int = 7) -> GeneratedExample:
        key = (name, people, seed)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"{name}-{people}-{seed}")
            cache[key] = build_example(name, out, people=people, seed=seed)
        return cache[key]

    return build
