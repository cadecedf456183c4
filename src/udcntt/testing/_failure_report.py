"""The report of a failed rule-file test: expected against actual results, criterion by
criterion, as a table (shown by the pytest plugin).

It imports udcntt's scoring only when a report is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from udcntt.errors import Diagnostic
    from udcntt.model import RuleSet, TestCase


__all__ = ["failure_report"]


def _text(value: Any) -> str:
    from decimal import Decimal

    if value is None:
        return "—"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    return str(value)


def _table(rows: list[tuple[str, str, str, str, str]]) -> list[str]:
    header = ("criterion", "expected", "actual", "diff", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    out = ["  " + "  ".join(h.ljust(widths[i]) for i, h in enumerate(header)).rstrip()]
    out.append("  " + "  ".join("-" * w for w in widths[:4]))
    out.extend("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows)
    return out


def _depths(plan: Any) -> dict[str, int]:
    """Criterion ids of a block plan in tree order, with their depth."""
    depth: dict[str, int] = {}
    stack = [(root, 0) for root in reversed(plan.roots)]
    while stack:
        node, level = stack.pop()
        depth[node.id] = level
        stack.extend((child, level + 1) for child in reversed(getattr(node, "children", ())))
    return depth


def _row(
    label: str, want: Any, got: Any, tol: Any, *, numeric: bool = True
) -> tuple[str, str, str, str, str]:
    from decimal import Decimal

    if want is None:
        return label, "", _text(got), "", ""
    if numeric and isinstance(want, Decimal):
        ok = got is not None and abs(got - want) <= tol
        diff = _text(got - want) if got is not None else ""
        if diff and not diff.startswith("-") and diff != "0":
            diff = "+" + diff
    else:
        ok = want == got
        diff = ""
    return label, _text(want), _text(got), diff, "ok" if ok else "FAIL"


def failure_report(
    rules: RuleSet, case: TestCase, failures: list[Diagnostic], where: str, line: int | None
) -> str:
    """Expected against actual results of a failed test, criterion by criterion."""
    from udcntt.errors import UdcnttError
    from udcntt.evaluation import case_dataset, evaluate
    from udcntt.program import compile_rules

    head = f"test '{case.name}' of {where}" + (f":{line}" if line else "") + " failed"
    lines = [head]
    compiled = compile_rules(rules)
    try:
        assessment = evaluate(compiled, case_dataset(rules, case))
    except UdcnttError as exc:
        lines.append("scoring failed:")
        lines.extend("  " + d.format().replace("\n", "\n  ") for d in exc.diagnostics)
        return "\n".join(lines)
    tol = case.tolerance
    for agency in case.agencies:
        exp = agency.expect
        if exp is None:
            continue
        res = assessment.by_id(agency.id)
        depth = _depths(compiled.blocks[res.block])
        lines.append("")
        lines.append(
            f"agency '{agency.id}' (block {res.block})"
            + (f", tolerance {_text(tol)}" if tol else "")
        )
        rows = [
            _row(
                "  " * level + cid,
                exp.points.get(cid),
                res.criteria[cid].points if cid in res.criteria else None,
                tol,
            )
            for cid, level in depth.items()
        ]
        rows.extend(
            (cid, _text(want), "(not in this block)", "", "FAIL")
            for cid, want in exp.points.items()
            if cid not in depth
        )
        rows.append(_row("total", exp.total, res.total, tol))
        rows.append(_row("max", exp.max, res.max, tol))
        rows.append(_row("share", exp.share, res.share, tol))
        rows.append(_row("tier", exp.tier, res.tier, tol, numeric=False))
        rows.append(_row("rank", exp.rank, res.rank, tol, numeric=False))
        lines.extend(_table(rows))
    lines.append("")
    lines.extend(d.message for d in failures)
    return "\n".join(lines)
