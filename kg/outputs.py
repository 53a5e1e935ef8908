"""Writing output files: whole or not at all, with the permissions the user's umask asks for,
and a named error (not a traceback) when the disk is full or the place is not writable.

>>> import os, tempfile
>>> target = os.path.join(tempfile.mkdtemp(), "out.ttl")
>>> write_atomically(target, lambda handle: handle.write(b"x"))
>>> open(target).read()
'x'
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.errors import OutputError


def current_umask() -> int:
    """The process's umask (read by setting and restoring it).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike, write: Callable[[IO[bytes]], object]) -> None:
    """Write through ``write(handle)`` to a temporary file beside ``path``, then rename it over
    ``path``: a failure leaves no half file. The file gets mode ``0666 & ~umask`` like any file
    the shell would create (``mkstemp`` alone gives 0600).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"{path}: cannot create the file ({err.strerror or err})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(describe_write_error(path, err)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def describe_write_error(path: str | os.PathLike, err: OSError) -> str:
    """A message for a failed write, naming a full disk as such.

    >>> describe_write_error("out.ttl", OSError(errno.ENOSPC, "No space left on device"))
    'out.ttl: the disk is full (No space left on device); nothing was written'
    """
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full ({err.strerror}); nothing was written"
    return f"{path}: cannot write ({err.strerror or err}); nothing was written"
