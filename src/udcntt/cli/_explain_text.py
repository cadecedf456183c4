"""``udcntt explain`` as readable text, with the Vietnamese labels of the rule file."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from udcntt._kinds import step_text
from udcntt._words import word
from udcntt.model import RuleSet

__all__ = ["render_trace"]


_LONG_DECIMAL = re.compile(r"(?<![\w.])(-?\d+)\.(\d{7,})\b")


def _shorten(text: str) -> str:
    """Show exact values with many digits as ``≈0.3333`` (the JSON trace keeps every digit)."""

    def short(match: re.Match[str]) -> str:
        value = Decimal(match.group(0)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return f"≈{value}"

    return _LONG_DECIMAL.sub(short, text)


def render_trace(trace: dict[str, Any], rules: RuleSet, lang: str = "vi") -> str:
    """Indented text of :func:`udcntt.evaluation.explain`'s trace."""

    def w(key: str) -> str:
        return word(f"explain.{key}", lang)

    lines = [
        f"{w('agency')}: {trace['name']} ({trace['agency_id']})",
        f"{w('block')}: {trace['block_label']}",
        f"{w('total')}: {trace['total']} / {trace['max']} ({trace['share']})   "
        f"{w('tier')}: {trace['tier_label']}   {w('rank')}: {trace['rank'] or '-'}"
        + (
            f" ({w('change')} {trace['rank_change']:+d})"
            if trace.get("rank_change") is not None
            else ""
        ),
        "",
    ]
    for c in trace["criteria"]:
        pad = "  " * c["depth"]
        code = f"{c['code']} " if c.get("code") else ""
        if c["status"] == "not_applicable":
            pts = w("na")
        elif c["status"] == "unscored":
            pts = w("unscored")
        else:
            pts = f"{c['points']} / {c['max']}"
        lines.append(f"{pad}{code}{c['label']} [{c['id']}]: {pts}")
        if "rule" in c:
            inputs = c.get("inputs") or {}
            if inputs:
                shown = ", ".join(
                    f"{rules.indicators[k].label if k in rules.indicators else k} = {v}"
                    for k, v in inputs.items()
                )
                lines.append(f"{pad}    {w('inputs')}: {shown}")
            for d, v in (c.get("derived") or {}).items():
                lines.append(f"{pad}    {d} = {v}")
            for step in c.get("steps", []):
                lines.append(f"{pad}    {step_text(step)}")
            norm = c.get("normalisation")
            if norm:
                stats = "; ".join(
                    ", ".join(f"{k}={v}" for k, v in stage.items()) for stage in norm["population"]
                )
                lines.append(f"{pad}    normalised: {norm['score']} ({stats})")
    lines.append("")
    lost = trace.get("lost_points") or []
    if lost:
        lines.append(f"{w('lost')}:")
        for row in lost[:10]:
            label = (
                rules.criterion(row["id"]).label
                if row["id"] in {c.id for c in rules.all_criteria()}
                else row["id"]
            )
            lines.append(f"  -{row['lost']}  {label} [{row['id']}]")
    nxt = trace.get("to_next_tier")
    lines.append(f"{w('next')}: {nxt if nxt is not None else w('best')}")
    if trace.get("notes"):
        lines.append(f"{w('notes')}: " + "; ".join(trace["notes"]))
    return _shorten("\n".join(lines))
