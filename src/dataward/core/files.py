"""Files Dataward writes hold personal data or keys: only their owner may read them.

The modes are set on the file itself rather than trusted to the umask, which is the
operator's (a shared server's 022 would leave a package readable by every local account).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# What a process of Dataward's creates on its own (SQLite's journal, a lock file) gets the
# same: the entry points set this umask before anything is opened.
PRIVATE_UMASK = 0o077


def private_folder(path: Path) -> Path:
    """Create the folder (and missing parents) for the owner alone; tighten one that exists."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_FOLDER)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write atomically with mode 0600: a crash leaves the old file or the new, never half."""
    if not path.parent.exists():
        private_folder(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def create_private_file(path: Path) -> None:
    """Make sure the file exists with mode 0600 before another library opens it (SQLite)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_FILE)
