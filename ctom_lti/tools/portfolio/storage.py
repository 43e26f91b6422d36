"""Where artifact files live: a small content-addressed interface, and its local-disk form.

A file is named by the SHA-256 of its content, so the same file uploaded twice is stored once
and a stored file can never be changed under its name. An object store can replace the local
disk by implementing :class:`Storage`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask

_HASH = re.compile(r"^[0-9a-f]{64}$")


class Storage(Protocol):
    def put(self, content: bytes) -> str:
        """Store ``content``; return its hash (its name from now on)."""
        ...

    def open(self, digest: str) -> BinaryIO:
        """The stored file named ``digest``; FileNotFoundError if there is none."""
        ...

    def exists(self, digest: str) -> bool: ...

    def delete(self, digest: str) -> None:
        """Forget the file named ``digest`` (nothing happens if there is none)."""
        ...


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class LocalDiskStorage:
    """Files under ``root/ab/cd/<hash>``, written atomically (a temporary file, then renamed)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, digest: str) -> Path:
        if not _HASH.match(digest):
            raise FileNotFoundError(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, content: bytes) -> str:
        digest = content_hash(content)
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def open(self, digest: str) -> BinaryIO:
        return self._path(digest).open("rb")

    def exists(self, digest: str) -> bool:
        try:
            return self._path(digest).is_file()
        except FileNotFoundError:
            return False

    def delete(self, digest: str) -> None:
        try:
            self._path(digest).unlink(missing_ok=True)
        except FileNotFoundError:
            return


def app_storage(app: Flask) -> Storage:
    """The app's artifact storage: ``CTOM_PORTFOLIO_STORAGE_DIR``, else the instance folder."""
    configured = str(app.config.get("PORTFOLIO_STORAGE_DIR") or "")
    root = Path(configured) if configured else Path(app.instance_path) / "portfolio-files"
    return LocalDiskStorage(root)
