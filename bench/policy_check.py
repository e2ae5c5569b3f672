"""Policy check benchmark: a large valid policy, checked end to end (`check_policy`).

    .venv/bin/python bench/policy_check.py [--activities 500] [--systems 100] [--collections 4]

Writes the policy to a temporary folder (with one Fides dataset file per ten systems, so that
import is measured too), checks it three times and prints one JSON line with the best time.
The policy must come out clean: a benchmark of a policy with errors would measure the wrong path.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from dataward.policy.service import check_policy

CATEGORIES = [
    "user.contact.email",
    "user.contact.phone_number",
    "user.name",
    "user.contact.address",
    "user.content.support_ticket",
    "user.device.ip_address",
]
PURPOSES = [
    "essential.service.operations.support",
    "essential.service.payment_processing",
    "essential.service.operations.remote_support",
    "essential.legal_obligation",
]


def _fields(system: int, collection: int) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = [
        {"name": "id", "primary_key": True, "data_type": "integer"},
        {"name": "email", "categories": ["user.contact.email"], "identity": "email"},
        {"name": "phone", "categories": ["user.contact.phone_number"], "identity": "phone_number"},
        {"name": "full_name", "categories": ["user.name"]},
        {"name": "address", "categories": ["user.contact.address"]},
        {"name": "notes", "categories": ["user.content.support_ticket"]},
        {"name": "ip", "categories": ["user.device.ip_address"]},
        {"name": "created_on", "categories": ["system.operations"]},
    ]
    if collection > 0:
        fields.append({"name": "parent_id", "references": [{"to": f"c{collection - 1}.id"}]})
    return fields


def _system(number: int, collections: int) -> dict[str, Any]:
    return {
        "name": f"system{number}",
        "connector": "sql",
        "connection": {"url_env": f"SYSTEM{number}_URL"},
        "processor": f"Processor {number % 20}",
        "dataset": {
            "collections": [
                {"name": f"c{c}", "retention": "six-years", "fields": _fields(number, c)}
                for c in range(collections)
            ]
        },
    }


def _fides(system: dict[str, Any]) -> dict[str, Any]:
    """The same dataset written as Fides writes it."""
    collections = []
    for collection in system["dataset"]["collections"]:
        fields = []
        for item in collection["fields"]:
            meta = {k: item[k] for k in ("identity", "primary_key", "data_type") if k in item}
            if "references" in item:
                meta["references"] = [
                    {"dataset": system["name"], "field": r["to"], "direction": "from"}
                    for r in item["references"]
                ]
            entry: dict[str, Any] = {"name": item["name"]}
            if item.get("categories"):
                entry["data_categories"] = item["categories"]
            if meta:
                entry["fides_meta"] = meta
            fields.append(entry)
        collections.append({"name": collection["name"], "fields": fields})
    return {"dataset": [{"fides_key": system["name"], "collections": collections}]}


def build(folder: Path, *, activities: int, systems: int, collections: int) -> Path:
    system_list = [_system(n, collections) for n in range(systems)]
    (folder / "datasets").mkdir()
    for number in range(0, systems, 10):
        system = system_list[number]
        dataset_file = folder / "datasets" / f"{system['name']}.yml"
        dataset_file.write_text(yaml.safe_dump(_fides(system), sort_keys=False), "utf-8")
        del system["dataset"]
        system["dataset_file"] = f"datasets/{system['name']}.yml"
    policy = {
        "organisation": {
            "name": "Bench Ltd",
            "registered_office": "1 High Street, Bournemouth BH1 1AA",
            "privacy_contact": "privacy@bench.example",
        },
        "recipients": [
            {
                "name": f"Processor {n}",
                "service": "hosting",
                "country": "GB",
                "contract_signed_on": "2024-01-01",
                "vetted_on": "2025-01-01",
                "vetting_result": "passed",
            }
            for n in range(20)
        ],
        "retention": {
            "six-years": {
                "period": "6 years",
                "after": "created_on",
                "reason": "limitation period for claims",
            }
        },
        "activities": [
            {
                "name": f"Activity {n}",
                "purpose": PURPOSES[n % len(PURPOSES)],
                "lawful_basis": "contract",
                "subjects": ["customer"],
                "categories": [CATEGORIES[n % len(CATEGORIES)], CATEGORIES[(n + 1) % 6]],
                "systems": [f"system{n % systems}", f"system{(n * 7) % systems}"],
                "recipients": [f"Processor {n % 20}"],
                "retention": "six-years",
            }
            for n in range(activities)
        ],
        "systems": system_list,
    }
    path = folder / "dataward.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--systems", type=int, default=100)
    parser.add_argument("--collections", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = build(
            Path(scratch),
            activities=args.activities,
            systems=args.systems,
            collections=args.collections,
        )
        lines = path.read_text(encoding="utf-8").count("\n")
        timings, cpu = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = check_policy(path)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if result.problems:
            for problem in result.problems[:10]:
                print(problem, file=sys.stderr)
            raise SystemExit("the generated policy should be clean")
    figures = {
        "activities": args.activities,
        "systems": args.systems,
        "collections": args.systems * args.collections,
        "lines": lines,
        "seconds": round(min(timings), 3),
        "cpu_seconds": round(min(cpu), 3),  # the machine may be shared: CPU time is steadier
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
