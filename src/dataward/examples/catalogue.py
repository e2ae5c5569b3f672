"""Where the example deployments live, and how their generators are loaded."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import ModuleType

from dataward.core.errors import ConfigurationError, UsageError
from dataward.examples.population import KnownPerson

EXAMPLES = ("msp", "support", "voip", "schools", "telecoms")

# Generated data is dated relative to this day, so the tests' fixed clock (2026-03-02) finds
# records on both sides of every retention boundary.
REFERENCE_DATE = date(2026, 3, 2)
# Enough for a realistic small business; far more only fills the disk with invented people.
MAX_PEOPLE = 20_000


def examples_root() -> Path:
    """The folder holding one sub-folder per example business (shipped inside the package)."""
    return Path(__file__).resolve().parent / "businesses"


def example_dir(name: str) -> Path:
    """The folder of one example business, e.g. `example_dir("voip")`."""
    if name not in EXAMPLES:
        raise UsageError(
            f"there is no example called {name!r}", fix=f"choose one of: {', '.join(EXAMPLES)}"
        )
    folder = examples_root() / name
    if not (folder / "dataward.yaml").is_file():
        raise ConfigurationError(
            f"example {name!r} is incomplete: {folder / 'dataward.yaml'} is missing",
            fix="reinstall Dataward (pip install --force-reinstall dataward)",
        )
    return folder


def policy_path(name: str) -> Path:
    """The example's `dataward.yaml`."""
    return example_dir(name) / "dataward.yaml"


def load_generator(name: str) -> ModuleType:
    """Import the example's generator, `dataward.examples.businesses.<name>.generate`.

    The module has `generate(out_dir, *, people, seed, urls)` and `KNOWN_PEOPLE`.
    """
    folder = example_dir(name)
    generator = importlib.import_module(f"dataward.examples.businesses.{name}.generate")
    for attribute in ("generate", "KNOWN_PEOPLE"):
        if not hasattr(generator, attribute):
            raise ConfigurationError(f"the generator {folder / 'generate.py'} has no {attribute}")
    return generator


def generate_example(
    name: str,
    out_dir: Path,
    *,
    people: int = 200,
    seed: int = 7,
    urls: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Build the example's sample systems under `out_dir`; return the environment they need."""
    if people < 1:
        raise UsageError(f"people must be at least 1, not {people}")
    environment = load_generator(name).generate(out_dir, people=people, seed=seed, urls=urls)
    if not isinstance(environment, dict):
        raise ConfigurationError(f"the {name} generator returned {type(environment).__name__}")
    return {str(key): str(value) for key, value in environment.items()}


def known_people(name: str) -> Mapping[str, KnownPerson]:
    """The people the example's generator always inserts, by key (see its README)."""
    people = load_generator(name).KNOWN_PEOPLE
    if not isinstance(people, Mapping):
        raise ConfigurationError(f"KNOWN_PEOPLE of example {name!r} is not a mapping")
    return people
