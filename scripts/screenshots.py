"""Save a PNG of every public and console page into docs/screenshots/ (used in the README).

    scripts/screenshots [--home DIR] [--out docs/screenshots]

Runs `dataward serve` on 127.0.0.1 over a fresh home (or `--home`, an existing deployment
such as the one `./scripts/demo` builds, for pages with something in them), signs in through
the sign-in pages with a temporary admin account (disabled again at the end), and walks the
GET pages without path parameters, read from the app's route table, in Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import pyotp

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def dataward(*argv: str, env: dict[str, str]) -> str:
    script = Path(sys.executable).with_name("dataward")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dataward.cli"]
    done = subprocess.run([*command, *argv], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dataward {' '.join(argv)} failed: {done.stderr.strip()}")
    return done.stdout


def pages(env: dict[str, str]) -> list[tuple[str, str]]:
    """(public|page, path) of the GET pages without path parameters, from the route table."""
    code = (
        "import json; from fastapi.routing import APIRoute, iter_route_contexts;"
        "from dataward.accounts.guard import rules_of; from dataward.app import create_app;"
        "from dataward.core.config import load_settings; from dataward.core.runtime import Runtime;"
        "app = create_app(Runtime(settings=load_settings()));"
        "print(json.dumps([(rules_of(r)[0].interface, r.path) for r in"
        " iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)"
        " and 'GET' in (r.methods or ()) and '{' not in r.path and rules_of(r)]))"
    )
    listed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return [
        (kind, path)
        for kind, path in json.loads(listed.stdout)
        if kind in ("public", "page") and not path.startswith("/api/") and path != "/health"
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def file_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "home"


def is_page(page: object, url: str) -> bool:
    """Whether the address answers with a page (not a download such as the ROPA workbook)."""
    answer = page.request.get(url)  # type: ignore[attr-defined]
    return str(answer.headers.get("content-type", "")).startswith("text/html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="An existing Dataward home (default: fresh).")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    fresh = args.home is None
    home = Path(tempfile.mkdtemp(prefix="dataward-screens-")) if fresh else args.home.resolve()
    env = {**os.environ, "DATAWARD_HOME": str(home)}
    if fresh:
        env.pop("DATAWARD_DATABASE_URL", None)
        dataward("init", env=env)
    email = f"screenshots-{int(time.time())}@example.co.uk"
    account = json.loads(
        dataward(
            "users", "add", email, "--role", "admin", "--name", "Alex Admin", "--json", env=env
        )
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "dataward.cli", "serve", "--port", str(port), "--no-jobs"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    browser_home = tempfile.mkdtemp(prefix="dataward-chromium-")
    saved = []
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        args.out.mkdir(parents=True, exist_ok=True)
        walked = pages(env)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=ARGS, env={**os.environ, "HOME": browser_home}
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
            for kind, path in walked:
                if kind == "public" and is_page(page, url + path):
                    page.goto(url + path)
                    target = args.out / f"public-{file_name(path)}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
            page.goto(f"{url}/console/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(account["password"])
            page.get_by_role("button", name="Sign in").click()
            now = os.environ.get("DATAWARD_NOW")
            moment = datetime.fromisoformat(now) if now else datetime.now()
            page.get_by_label("6-digit code").fill(pyotp.TOTP(account["totp_secret"]).at(moment))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url(f"{url}/console")
            for kind, path in walked:
                if kind == "page" and is_page(page, url + path):
                    page.goto(url + path)
                    target = args.out / f"console-{file_name(path)}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
        dataward("users", "disable", email, env=env)
        shutil.rmtree(browser_home, ignore_errors=True)
        if fresh:
            shutil.rmtree(home, ignore_errors=True)
    for target in saved:
        print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)


if __name__ == "__main__":
    main()
