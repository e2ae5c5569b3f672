"""The API's interactive docs (DATAWARD_DOCS=true): Swagger UI from files shipped in the
package, never a CDN, started by a script file so the Content-Security-Policy stays strict.

ReDoc is not offered: it injects <style> elements at run time, which `style-src 'self'`
forbids, and the policy is not loosened for a convenience page.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from dataward.core.web import public

ASSETS = "/static/docs"

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dataward API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/docs.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    folder = Path(str(files("dataward") / "static" / "docs"))
    app.mount(ASSETS, StaticFiles(directory=folder), name="docs-assets")

    @app.get("/docs", include_in_schema=False, dependencies=[public()])
    def docs() -> HTMLResponse:
        return HTMLResponse(_PAGE)
