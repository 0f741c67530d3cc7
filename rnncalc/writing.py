"""Where rnncalc writes: exactly the file a user names, or the pages of a folder it fills.

Nothing is written through a link inside a folder rnncalc fills, nothing blocks on a FIFO,
and every target is checked before the first byte is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _

MANIFEST_BYTES = 2**20  # a manifest lists a few dozen names


def _kind(mode: int) -> str:
    """What a path is, in English (`_()` of it in the language spoken)."""
    if stat.S_ISLNK(mode):
        return N_("a symbolic link")
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISFIFO(mode):
        return N_("a FIFO")
    return N_("not a regular file")


@contextlib.contextmanager
def open_output(path: str, option: str) -> Iterator[BinaryIO]:
    """A file the user named, open for writing.

    It may be a new file in an existing folder or a regular file, which is replaced. A
    symbolic link the user names is written through, as `cp` does; a folder, a FIFO, a device
    or a dangling link is refused, and nothing blocks. A file this call created is removed
    again if writing it fails.

    Example:
        >>> with open_output("/nonexistent/out.npz", "--output") as stream:
        ...     pass
        Traceback (most recent call last):
        ...
        rnncalc.errors.RnncalcError: --output /nonexistent/out.npz: the folder /nonexistent does \
not exist. Fix: give a file in an existing folder
    """
    if not path:
        raise RnncalcError(
            _("{option} is empty").format(option=option),
            _("name a file: {option} out.npz").format(option=option),
        )
    try:
        found: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise RnncalcError(
            _("{option} {path}: {kind}, not a file rnncalc can write").format(
                option=option, path=path, kind=_(_kind(found.st_mode))
            ),
            _("name a regular file, or a new one"),
        )
    if found is None and os.path.islink(path):
        raise RnncalcError(
            _("{option} {path}: a link to nothing").format(option=option, path=path),
            _("name a regular file"),
        )
    folder = Path(path).parent
    if found is None and not folder.is_dir():
        raise RnncalcError(
            _("{option} {path}: the folder {folder} does not exist").format(
                option=option, path=path, folder=folder
            ),
            _("give a file in an existing folder"),
        )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise RnncalcError(
            _("{option} {path}: cannot write ({reason})").format(
                option=option, path=path, reason=exc.strerror
            ),
            _("give a writable path"),
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # changed since it was looked at
        os.close(fd)
        raise RnncalcError(
            _("{option} {path}: not a regular file").format(option=option, path=path),
            _("name a regular file"),
        )
    os.ftruncate(fd, 0)
    os.set_blocking(fd, True)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
    except BaseException:
        if found is None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise


def write_folder(out: str, files: dict[str, str], manifest: str) -> list[Path]:
    """Write `files` (plain names → text) into the folder `out`, which is made if missing.

    Only files that the folder's manifest lists as written before may be replaced; a name that
    is a link, a folder, a FIFO or another file is refused before anything is written. Each
    file is written beside its target and renamed onto it, so none is half-written, and one
    whose text is unchanged is left alone.

    Returns:
        The files, in name order.
    """
    if not out:
        raise RnncalcError(
            "the folder to write into is empty", "name a folder, e.g. docs/reference"
        )
    folder = Path(out)
    if os.path.lexists(out) and not folder.is_dir():  # a link the user names to a folder is fine
        raise RnncalcError(f"{out} is not a folder", "give a folder for the pages")
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        ours = _manifest(fd, out, manifest)
        encoded = {name: text.encode("utf-8") for name, text in files.items()}
        current = {
            name: _existing(fd, out, name, name in ours, data) for name, data in encoded.items()
        }
        for name, data in sorted(encoded.items()):
            if current[name] != data:
                _replace(fd, name, data)
        listed = "".join(f"{name}\n" for name in sorted(ours | set(files)))
        _replace(fd, manifest, listed.encode("utf-8"))
    finally:
        os.close(fd)
    return [folder / name for name in sorted(files)]


def _lstat(fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _read(fd: int, name: str, limit: int) -> bytes:
    """A regular file's bytes, opened without following a link or blocking."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    handle = os.open(name, flags, dir_fd=fd)
    with os.fdopen(handle, "rb") as stream:
        return stream.read(limit + 1)


def _manifest(fd: int, out: str, manifest: str) -> set[str]:
    """The names an earlier build wrote, from the manifest it left."""
    found = _lstat(fd, manifest)
    if found is None:
        return set()
    where = os.path.join(out, manifest)
    if not stat.S_ISREG(found.st_mode):
        raise RnncalcError(
            f"{where} is {_kind(found.st_mode)}, not the list rnncalc docs build writes",
            "remove it, or build into another folder",
        )
    data = _read(fd, manifest, MANIFEST_BYTES)
    try:
        text = data.decode("utf-8") if len(data) <= MANIFEST_BYTES else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        raise RnncalcError(
            f"{where} is not the list of names rnncalc docs build writes",
            "remove it, or build into another folder",
        )
    return {name for name in text.split() if _plain(name)}


def _plain(name: str) -> bool:
    return name not in (".", "..") and "/" not in name and "\0" not in name


def _existing(fd: int, out: str, name: str, ours: bool, data: bytes) -> bytes | None:
    """What a target holds now (None: nothing; read only where it may equal `data`),
    refusing what rnncalc may not replace."""
    found = _lstat(fd, name)
    if found is None:
        return None
    where = os.path.join(out, name)
    if not stat.S_ISREG(found.st_mode):
        raise RnncalcError(
            f"{where} is {_kind(found.st_mode)}, not a page rnncalc wrote",
            "remove it, or build into another folder",
        )
    if not ours:
        raise RnncalcError(
            f"{where} exists and was not written by rnncalc docs build",
            "move it away, or build into another folder",
        )
    return _read(fd, name, len(data)) if found.st_size == len(data) else b""


def _replace(fd: int, name: str, data: bytes) -> None:
    """Write a file beside `name`, then rename it onto `name`: the rename replaces whatever
    entry is there and never follows it."""
    temporary = f".{name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(temporary, flags, 0o644, dir_fd=fd)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=fd)
        raise
