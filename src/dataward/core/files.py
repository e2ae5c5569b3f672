"""Reading a file a user named without trusting it: `/dev/zero`, a FIFO or a 10 GB file given
where a small text file is expected is refused instead of read until the machine gives out."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


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
