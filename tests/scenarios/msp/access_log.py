"""The msp example's remote sessions as RemoteReach exports them: its CSV session log.

The rows come from the example's RMM (`rmm.remote_sessions` joined to `rmm.devices`), written
with the tool's own column names, which the policy's `remotereach-log` source maps.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from scenarios.product import Deployed

HEADER = [
    "Session ID", "Technician", "Device", "Company", "Started", "Ended", "Attended",
    "Warning shown", "User active", "Reason", "Signed-in user", "IP address", "Hostname",
]  # fmt: skip


def exported_sessions(msp: Deployed) -> list[dict[str, Any]]:
    devices = {d["id"]: d for d in msp.rows("rmm", "devices")}
    rows = []
    for s in msp.rows("rmm", "remote_sessions"):
        device = devices[s["device_id"]]
        rows.append(
            {
                "Session ID": f"RR-{s['id']}",
                "Technician": s["engineer"],
                "Device": device["hostname"],
                "Company": device["client_company"],
                "Started": str(s["started_at"]),
                "Ended": str(s["ended_at"]) if s["ended_at"] else "",
                "Attended": "Yes" if s["attended"] else "No",
                "Warning shown": "Yes" if s["warning_shown"] else "No",
                "User active": "No",
                "Reason": s["reason"],
                "Signed-in user": "",
                "IP address": device["ip_address"] or "",
                "Hostname": device["hostname"],
            }
        )
    return rows


def write_log(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path
