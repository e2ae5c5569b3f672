"""What a long-lived worker or server keeps between jobs and requests: the policies it loaded.

Loading a policy reads, parses and checks the YAML (and any Fides dataset files it imports),
tens of milliseconds a job. A loaded policy is reused while none of its files has changed
(size, modification time and inode, checked on every use); an edited policy is loaded afresh
by the next job that names it. Connectors are kept by context.ConnectorCache.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dataward.policy.service import LoadedPolicy, load_policy

Stamp = tuple[tuple[str, int, int, int], ...]


def _stamp(paths: list[Path]) -> Stamp | None:
    """What the files look like on disk now; None when one cannot be read (load it afresh,
    which reports the problem)."""
    stamps = []
    for path in paths:
        try:
            found = path.stat()
        except OSError:
            return None
        stamps.append((str(path), found.st_size, found.st_mtime_ns, found.st_ino))
    return tuple(stamps)


def _files(loaded: LoadedPolicy) -> list[Path]:
    return [loaded.path.resolve(), *sorted(p.resolve() for p in loaded.dataset_files.values())]


class PolicyCache:
    def __init__(self) -> None:
        self._loaded: dict[Path, tuple[Stamp, LoadedPolicy]] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def unchanged(self, path: Path) -> LoadedPolicy | None:
        """The policy kept for `path` when none of its files changed since; None when it must
        be loaded (get() does that): a few stat calls, never a read of the files."""
        with self._lock:
            kept = self._loaded.get(path.resolve())
        if kept is not None and _stamp(_files(kept[1])) == kept[0]:
            return kept[1]
        return None

    def get(self, path: Path) -> LoadedPolicy:
        if (kept := self.unchanged(path)) is not None:
            return kept
        key = path.resolve()
        # Stamped before reading, so a change made while it is read is seen next time.
        before = _stamp([key])
        loaded = load_policy(path)
        stamp = _stamp(_files(loaded))
        with self._lock:
            self.loads += 1
            if before is not None and stamp is not None and stamp[0] == before[0]:
                self._loaded[key] = (stamp, loaded)
            else:
                self._loaded.pop(key, None)
        return loaded
