"""No docs page ships a placeholder waiting for figures or text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
PLACEHOLDER = re.compile(r"\(awaiting\b|\(chờ số đo|\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_has_no_placeholder(page: Path) -> None:
    found = [
        f"{n}: {line.strip()}"
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if PLACEHOLDER.search(line)
    ]
    assert not found, found
