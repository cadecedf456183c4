"""Placeholder replaced below."""
from __future__ import annotations

from udcntt.program._plan import CompiledRuleSet

__all__ = ["attach_fast_paths"]


def attach_fast_paths(compiled: CompiledRuleSet) -> CompiledRuleSet:
    return compiled
