"""Evidence files: what is accepted, and where it is kept.

A file is accepted only when its name, its declared extension and its content agree:

* the name is a bare file name — no folder part (``/``, ``\\``), no ``..``, no control
  characters, not hidden — since browsers send bare names, anything else is tampering;
* the content is recognised by its first bytes (PDF, PNG, JPEG) or, for Office files
  (DOCX, XLSX), by the zip's own directory; the extension must name that kind, so an
  executable renamed ``.pdf`` is refused (executables are named as such in the message);
* an Office file is a zip: its entries are counted, their declared sizes summed and the
  compression ratio bounded before anything is extracted, so a zip bomb is refused
  without being inflated;
* the size is at most the configured limit.

Accepted files are stored once under their SHA-256 (``evidence/ab/abcdef…``), written to
a temporary file and renamed into place.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from udcntt.errors import Message, msg

__all__ = [
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL",
    "Stored",
    "UploadRefused",
    "check_upload",
    "evidence_path",
    "store",
]

#: Most entries an Office file may have.
MAX_ZIP_ENTRIES = 2000
#: Largest total uncompressed size of an Office file (bytes).
MAX_ZIP_TOTAL = 200 * 1024 * 1024
#: Largest compression ratio of one entry of an Office file.
MAX_ZIP_RATIO = 100

_EXTENSIONS = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"#!",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:]")


class UploadRefused(ValueError):
    """An upload was refused; ``message`` says why (a translatable message)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Stored:
    """An accepted file: its kind, size and SHA-256."""

    filename: str
    kind: str
    size: int
    sha256: str


def _check_name(name: str) -> str:
    if not name or len(name) > 200 or _BAD_NAME.search(name) or ".." in name:
        raise UploadRefused(
            msg(
                "the file name '{name}' must be a bare file name, without folders",
                name=name,
            )
        )
    if name.startswith("."):
        raise UploadRefused(msg("the file name '{name}' is hidden", name=name))
    return name


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadRefused(msg("the file is a damaged zip archive")) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadRefused(
            msg(
                "the archive has {count} entries (at most {limit})",
                count=len(infos),
                limit=MAX_ZIP_ENTRIES,
            )
        )
    total = 0
    names = set()
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_ZIP_TOTAL or (info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO):
            raise UploadRefused(
                msg("the archive inflates far beyond its size (a zip bomb); it is refused")
            )
        if info.filename.startswith("/") or ".." in info.filename.split("/"):
            raise UploadRefused(msg("the archive holds a path outside itself"))
        names.add(info.filename)
    if "[Content_Types].xml" not in names:
        raise UploadRefused(msg("the zip archive is not an Office document"))
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise UploadRefused(msg("the zip archive is not an Office document"))


def sniff(data: bytes) -> str | None:
    """The kind of ``data`` by its content, or ``None`` when it is not an accepted kind.

    Raises:
        UploadRefused: for an executable, or a zip that is damaged or a zip bomb.
    """
    if data.startswith(_EXECUTABLE_MAGIC):
        raise UploadRefused(msg("the file is a program, not a document; it is refused"))
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def check_upload(name: str, data: bytes, *, max_bytes: int) -> tuple[str, str]:
    """Check an uploaded evidence file; returns ``(name, kind)``.

    Raises:
        UploadRefused: when the name, the size, the type or the content is not accepted.
    """
    name = _check_name(name)
    if len(data) > max_bytes:
        raise UploadRefused(
            msg(
                "the file has {size} bytes, more than the limit of {limit}",
                size=len(data),
                limit=max_bytes,
            )
        )
    if not data:
        raise UploadRefused(msg("the file is empty"))
    expected = _EXTENSIONS.get(Path(name).suffix.lower())
    if expected is None:
        raise UploadRefused(
            msg(
                "'{name}' is not an accepted type (accepted: {types})",
                name=name,
                types=", ".join(sorted(_EXTENSIONS)),
            )
        )
    kind = sniff(data)
    if kind != expected:
        raise UploadRefused(
            msg(
                "the content of '{name}' is not a {kind} file",
                name=name,
                kind=expected.upper(),
            )
        )
    return name, kind


def evidence_path(root: Path, sha256: str) -> Path:
    """Where the file of hash ``sha256`` is kept under ``root``.

    Raises:
        ValueError: when ``sha256`` is not a hexadecimal SHA-256.
    """
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return root / "evidence" / sha256[:2] / sha256


def store(root: Path, name: str, data: bytes, *, max_bytes: int) -> Stored:
    """Check ``data`` and keep it under its SHA-256 below ``root``.

    Raises:
        UploadRefused: as :func:`check_upload`.
    """
    name, kind = check_upload(name, data, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    target = evidence_path(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return Stored(filename=name, kind=kind, size=len(data), sha256=digest)
