"""What a long-lived worker or server keeps between jobs and requests: the policies it loaded.

Loading a policy reads, parses and checks the YAML (and any Fides dataset files it imports),
tens of milliseconds a job. A loaded policy is reused while none of its files has changed
(size, modification time and inode, checked on every use); an edited policy is loaded afresh
by the next job that names it. Connectors are kept by context.ConnectorCache.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from dataward.policy.service import LoadedPolicy, load_policy

Stamp = tuple[tuple[str, int, int, int], ...]


def _stamp(paths: Sequence[Path]) -> Stamp | None:
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


def _files(path: Path, loaded: LoadedPolicy) -> tuple[Path, ...]:
    # The policy as it was asked for, not resolved: a stat follows a symbolic link, so a link
    # pointed at another file is seen as a change (the inode differs) by the next use.
    return (path.absolute(), *sorted(p.absolute() for p in loaded.dataset_files.values()))


class _Kept:
    """A loaded policy, its files (named once, when it was loaded) and how they looked."""

    __slots__ = ("files", "loaded", "stamp")

    def __init__(self, loaded: LoadedPolicy, files: tuple[Path, ...], stamp: Stamp) -> None:
        self.loaded, self.files, self.stamp = loaded, files, stamp


class PolicyCache:
    def __init__(self) -> None:
        # Keyed by the path as it was asked for, and by its resolved form: a request asks with
        # the same path every time, and is answered without resolving it again.
        self._loaded: dict[Path, _Kept] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def unchanged(self, path: Path) -> LoadedPolicy | None:
        """The policy kept for `path` when none of its files changed since; None when it must
        be loaded (get() does that): a few stat calls, never a read of the files."""
        with self._lock:
            kept = self._loaded.get(path)
            if kept is None:
                kept = self._loaded.get(path.resolve())
        if kept is not None and _stamp(kept.files) == kept.stamp:
            return kept.loaded
        return None

    def get(self, path: Path) -> LoadedPolicy:
        if (kept := self.unchanged(path)) is not None:
            return kept
        key = path.resolve()
        # Stamped before reading, so a change made while it is read is seen next time.
        before = _stamp([path.absolute()])
        loaded = load_policy(path)
        files = _files(path, loaded)
        stamp = _stamp(files)
        with self._lock:
            self.loads += 1
            if before is not None and stamp is not None and stamp[0][1:] == before[0][1:]:
                self._loaded[key] = self._loaded[path] = _Kept(loaded, files, stamp)
            else:
                self._loaded.pop(key, None)
                self._loaded.pop(path, None)
        return loaded
