"""Loading a policy file. Line/column tracking and the checks live in loader.py and checks.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from dataward.core.errors import PolicyError, Problem
from dataward.policy.schema import Policy


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    path: Path

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_policy(path: Path) -> LoadedPolicy:
    """Read and validate a policy file; raise PolicyError listing every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(problems=[Problem(str(path), 0, 0, "", f"cannot read: {exc}")]) from exc
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(str(path), 0, 0, ".".join(str(p) for p in e["loc"]), e["msg"])
            for e in exc.errors()
        ]
        raise PolicyError(problems=problems) from exc
    return LoadedPolicy(policy=policy, path=path.resolve())
