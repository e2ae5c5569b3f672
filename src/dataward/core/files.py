"""Files Dataward writes hold personal data or keys: only their owner may read them. Files a
user names are read without trusting them: `/dev/zero`, a FIFO or a 10 GB file given where a
small text file is expected is refused instead of read until the machine gives out.

Modes are set on the file itself rather than trusted to the umask, which is the operator's
(a shared server's 022 would leave a package readable by every local account).
"""

from __future__ import annotations

import errno
import os
import stat
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


def new_private_folders(path: Path) -> None:
    """Create what is missing of `path`, each new folder for the owner alone; folders that
    exist already (the user's own) are left as they are."""
    missing: list[Path] = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        folder.chmod(PRIVATE_FOLDER)


def write_private(path: Path, content: bytes) -> None:
    """Write atomically with mode 0600: a crash leaves the old file or the new, never half."""
    new_private_folders(path.parent)
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


class NotARegularFile(OSError):
    """A device, a FIFO or a socket where a file was expected."""


class FileTooLarge(OSError):
    pass


def read_regular_file(path: Path, *, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Opened without blocking (a FIFO would wait for a writer) and checked before reading.
    Raises FileNotFoundError, IsADirectoryError, NotARegularFile, FileTooLarge or OSError.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as stream:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise FileTooLarge(errno.EFBIG, f"larger than {_size(limit)}", str(path))
    return content


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
