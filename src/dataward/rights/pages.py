"""The rights domain's HTML pages.

The privacy centre (public, no account) is in rights/public/: its request pages and "My
details". The staff console's request pages live in console_pages.py, registered beside this
module in domains.py.
"""

from __future__ import annotations

from fastapi import APIRouter

from dataward.rights.public import details_pages, request_pages

router = APIRouter(include_in_schema=False)
router.include_router(request_pages.router)
router.include_router(details_pages.router)
