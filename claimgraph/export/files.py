"""Writing an export to a file so that it is either whole or not there: never a partial or 0-byte file.

The export goes to a temporary file beside the target, is flushed to disk, and replaces the target in one
rename. Any failure on the way (disk full, a file size limit, Ctrl-C, a bug) removes the temporary file and
leaves an existing target as it was. Targets that are not regular files (``/dev/stdout``, a FIFO) cannot be
renamed over and are written directly.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from .common import ExportError, ExportSummary


def write_file(path: str | os.PathLike, write: Callable[[BinaryIO], ExportSummary]) -> ExportSummary:
    """Run ``write`` on a binary stream that ends up as ``path`` only if it finishes; its summary."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"{target}: folder {folder} does not exist; nothing was written")
    if target.exists() and not target.is_file():
        return _direct(target, write)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write in {folder} ({exc.strerror}); nothing was written") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            summary = write(out)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write ({_reason(exc)}); nothing was written") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return summary


def _direct(target: Path, write: Callable[[BinaryIO], ExportSummary]) -> ExportSummary:
    try:
        with target.open("wb") as out:
            summary = write(out)
            out.flush()
    except OSError as exc:
        raise ExportError(f"{target}: cannot write ({_reason(exc)})") from exc
    return summary


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EFBIG:
        return "file too large for this system or its limits"
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
