"""Write fideslang's default taxonomy as data: `python -m dataward.policy.taxonomy_snapshot`.

Run it after upgrading fideslang; the snapshot test says when it is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dataward.policy.taxonomy import SNAPSHOT, VOCABULARIES


def snapshot_from_fideslang() -> dict[str, list[list[Any]]]:
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return {
        vocabulary: [
            [
                item.fides_key,
                getattr(item, "parent_key", None),
                item.name or item.fides_key,
                item.description or "",
                item.version_deprecated is not None,
                item.replaced_by,
            ]
            for item in getattr(DEFAULT_TAXONOMY, vocabulary)
        ]
        for vocabulary in VOCABULARIES
    }


def snapshot_text() -> str:
    return json.dumps(snapshot_from_fideslang(), indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    path = Path(__file__).with_name(SNAPSHOT)
    path.write_text(snapshot_text(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
