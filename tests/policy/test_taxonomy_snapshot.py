"""The shipped copy of fideslang's taxonomy is fideslang's, and checking a policy needs no more."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

from dataward.examples.catalogue import policy_path
from dataward.policy.taxonomy import SNAPSHOT, default_taxonomy
from dataward.policy.taxonomy_snapshot import snapshot_text

EXAMPLE = policy_path("support")


def test_the_shipped_snapshot_is_exactly_what_the_installed_fideslang_holds() -> None:
    shipped = resources.files("dataward.policy").joinpath(SNAPSHOT).read_text("utf-8")
    assert shipped == snapshot_text(), (
        "fideslang's taxonomy changed: run `python -m dataward.policy.taxonomy_snapshot`"
    )


def test_the_taxonomy_keeps_fideslangs_keys_flags_and_deprecations() -> None:
    taxonomy = default_taxonomy()
    email = taxonomy.categories.get("user.contact.email")
    assert email is not None and email.origin == "fideslang" and email.parent == "user.contact"
    assert taxonomy.is_special("user.health_and_medical")
    assert "essential.service.operations.support" in taxonomy.uses
    assert any(term.deprecated for term in taxonomy.uses)


def test_checking_a_policy_does_not_import_fideslang() -> None:
    probe = (
        "import sys; from dataward.policy.taxonomy import default_taxonomy; default_taxonomy();"
        "from dataward.policy import checks;"
        "print(sorted(m for m in sys.modules if m.startswith('fideslang')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_loading_a_policy_without_fides_datasets_does_not_load_fideslang() -> None:
    probe = (
        "import sys; from pathlib import Path; from dataward.policy.service import load_policy;"
        f"load_policy(Path({str(EXAMPLE)!r}));"
        "print(sorted(m for m in sys.modules if m.startswith('fideslang')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_libyaml_and_pure_python_yaml_read_the_extensions_alike() -> None:
    # default_taxonomy reads them with libyaml's loader where it is installed.
    import yaml

    text = resources.files("dataward.policy").joinpath("extensions.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert yaml.load(text, Loader=loader) == yaml.load(text, Loader=yaml.SafeLoader)
