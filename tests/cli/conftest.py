"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import pytest

import udcntt.data


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every survey the command reads (to check that a command stops before reading)."""
    seen: list[str] = []
    original = udcntt.data.read_survey

    def counting(path: object, *args: object, **kwargs: object) -> object:
        seen.append(str(path))
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(udcntt.data, "read_survey", counting)
    return seen
