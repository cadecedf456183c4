"""Fixtures for the survey-data tests: a small rule set covering every indicator type."""

from __future__ import annotations

from pathlib import Path

import pytest
from data_helpers import FIXTURES, RULES

from udcntt.model import RuleSet


@pytest.fixture
def rules() -> RuleSet:
    """The demo rule set."""
    return RuleSet.model_validate(RULES)


@pytest.fixture
def fixtures() -> Path:
    """The directory of committed fixture files."""
    return FIXTURES
