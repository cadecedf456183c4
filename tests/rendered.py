"""Rendered checks: convert an office file (DOCX, XLSX) to PDF with LibreOffice and read the
pages back with poppler, shared by the DOCX and XLSX rendered tests.

LibreOffice is Debian's package (``apt-get install -y libreoffice-writer-nogui
libreoffice-calc-nogui``) and poppler is ``poppler-utils``; ``.ci/run`` installs both.
Each conversion runs with a fresh LibreOffice profile in a temporary folder, so two
conversions (or two test processes) never share or lock one profile, and the user's own
profile is never read or changed.

API (kept stable; the XLSX tests import it):

- ``to_pdf(path) -> Path``: the PDF LibreOffice makes of ``path``, next to it;
- ``page_count(pdf) -> int``: the number of pages (``pdfinfo``);
- ``page_texts(pdf) -> list[str]``: each page's text laid out as on the page
  (``pdftotext -layout``), one string per page;
- ``page_png(pdf, page)``, ``pdf_info(pdf)``, ``outline(pdf)``: one page as an image, the
  document information, the bookmarks LibreOffice makes of the heading styles.

Each skips the calling test with a reason when the program it needs is absent.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFINFO = shutil.which("pdfinfo")
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
TIMEOUT = 300


def _need(program: str | None, name: str, package: str) -> str:
    if program is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install -y {package}); not rendered")
    return program


def soffice_or_skip() -> str:
    """The LibreOffice executable, or skip the test saying how to install it."""
    return _need(SOFFICE, "LibreOffice", "libreoffice-writer-nogui libreoffice-calc-nogui")


def to_pdf(path: Path) -> Path:
    """Convert ``path`` to PDF with headless LibreOffice; the PDF is written next to it.

    A fresh user profile (``-env:UserInstallation``) in a temporary folder is used for the
    conversion and removed afterwards.

    Raises:
        AssertionError: LibreOffice failed or wrote no PDF (the output is in the message).
    """
    soffice = soffice_or_skip()
    path = Path(path).resolve()
    outdir = path.parent
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    pdf = outdir / (path.stem + ".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        raise AssertionError(
            f"LibreOffice did not convert {path.name} (exit {proc.returncode}):\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return pdf


def page_count(pdf: Path) -> int:
    """The number of pages of ``pdf`` as ``pdfinfo`` reports it.

    Raises:
        AssertionError: ``pdfinfo`` failed or printed no page count.
    """
    pdfinfo = _need(PDFINFO, "pdfinfo", "poppler-utils")
    proc = subprocess.run(
        [pdfinfo, str(pdf)], capture_output=True, text=True, timeout=60, check=False
    )
    found = re.search(r"^Pages:\s+(\d+)", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 or found is None:
        raise AssertionError(f"pdfinfo failed on {pdf}: {proc.stderr}")
    return int(found.group(1))


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, laid out as on the page (``pdftotext -layout``), in page order.

    Raises:
        AssertionError: ``pdftotext`` failed.
    """
    pdftotext = _need(PDFTOTEXT, "pdftotext", "poppler-utils")
    proc = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"pdftotext failed on {pdf}: {proc.stderr}")
    pages = proc.stdout.split("\f")
    # pdftotext ends the last page with a form feed too: drop the empty tail.
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def page_png(pdf: Path, page: int, resolution: int = 60) -> Path:
    """Render one page (1-based) of ``pdf`` to a PNG next to it (``pdftoppm``).

    Raises:
        AssertionError: ``pdftoppm`` failed or wrote no image.
    """
    pdftoppm = _need(PDFTOPPM, "pdftoppm", "poppler-utils")
    stem = pdf.with_name(f"{pdf.stem}-p{page}")
    proc = subprocess.run(
        [
            pdftoppm,
            "-r",
            str(resolution),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(stem),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    png = stem.with_suffix(".png")
    if proc.returncode != 0 or not png.is_file():
        raise AssertionError(f"pdftoppm failed on {pdf} page {page}: {proc.stderr}")
    return png


def pdf_info(pdf: Path) -> dict[str, str]:
    """The document information ``pdfinfo`` prints (``Title``, ``Author``, ``Pages``, …).

    Raises:
        AssertionError: ``pdfinfo`` failed.
    """
    pdfinfo = _need(PDFINFO, "pdfinfo", "poppler-utils")
    proc = subprocess.run(
        [pdfinfo, "-enc", "UTF-8", str(pdf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"pdfinfo failed on {pdf}: {proc.stderr}")
    info: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


_OUTLINE_TOKEN = re.compile(r'<outline>|</outline>|<item page="(\d+)">(.*?)</item>')


def outline(pdf: Path) -> list[tuple[int, int, str]]:
    """The PDF's outline (bookmarks), which LibreOffice builds from heading styles:
    ``(page, level, title)`` in document order, level 1 for the top.

    Raises:
        AssertionError: ``pdftohtml`` (poppler) failed or is missing.
    """
    pdftohtml = _need(shutil.which("pdftohtml"), "pdftohtml", "poppler-utils")
    proc = subprocess.run(
        [pdftohtml, "-xml", "-i", "-q", "-stdout", "-enc", "UTF-8", str(pdf)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"pdftohtml failed on {pdf}: {proc.stderr}")
    items: list[tuple[int, int, str]] = []
    level = 0
    for found in _OUTLINE_TOKEN.finditer(proc.stdout):
        token = found.group(0)
        if token == "<outline>":
            level += 1
        elif token == "</outline>":
            level -= 1
        else:
            items.append((int(found.group(1)), level, html.unescape(found.group(2))))
    return items
