"""What `dataward serve` loads to start: the libraries only some requests need stay unloaded.

The web server's memory budget (120 MB after 1,000 requests, bench/web.py) holds only while
these load on first use: the XLSX writer (ROPA exports), AES ZIPs (encrypted packages),
the bank-holiday library (only beyond the shipped snapshot's years), the HTTP client (SMS and
witness URLs), phone-number metadata, rich (the CLI's tables), the argon2 stand-in hash (a
sign-in of an unknown account) and the validators of the API's pydantic shapes. Each of those
features has its own tests, which exercise the late import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dataward import domains
from dataward.cli import app

LATE = ("xlsxwriter", "pyzipper", "Cryptodome", "holidays", "httpx", "phonenumbers", "rich")

# The server's own start, as `dataward serve` runs it, with uvicorn.run keeping the app
# instead of serving it.
PROBE = """
import json, sys
import uvicorn
from dataward import cli

kept = {}
uvicorn.run = lambda app, **options: kept.update(app=app)
sys.argv = ["dataward", "serve", "--no-jobs"]
try:
    cli.main()
except SystemExit as exc:
    assert not exc.code, exc.code
from dataward.accounts import passwords
from dataward.core.schemas import Schema

def shapes(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from shapes(sub)

print(json.dumps({
    "routes": len(kept["app"].routes),
    "loaded": sorted(name for name in sys.modules if name.split(".")[0] in LATE_NAMES),
    "dummy_hashes": passwords.dummy_hash.cache_info().currsize,
    "shapes": sum(1 for _ in shapes(Schema)),
    "built_shapes": sum(1 for s in shapes(Schema) if s.__pydantic_complete__),
}))
""".replace("LATE_NAMES", repr(LATE))


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "DATAWARD_HOME": str(home),
        "DATAWARD_DATABASE_URL": f"sqlite:///{home / 'dataward.db'}",
    }
    assert CliRunner().invoke(app, ["init"], env=env).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_server_starts_with_every_domains_routers(started: dict[str, object]) -> None:
    routers = sum(
        bool(domain.api) + len(domains.page_modules(domain)) for domain in domains.DOMAINS
    )
    # Each router, /health, the static files and the OpenAPI description.
    assert started["routes"] == routers + 3


def test_libraries_only_some_requests_need_are_not_loaded_at_start(
    started: dict[str, object],
) -> None:
    assert started["loaded"] == []


def test_the_stand_in_password_hash_is_not_made_at_start(started: dict[str, object]) -> None:
    assert started["dummy_hashes"] == 0


def test_the_api_shapes_are_built_at_first_use_not_at_start(started: dict[str, object]) -> None:
    # The routes' own adapters are built as the app is; the models themselves wait.
    assert isinstance(started["shapes"], int) and started["shapes"] > 50
    assert isinstance(started["built_shapes"], int)
    assert started["built_shapes"] < started["shapes"] // 2
