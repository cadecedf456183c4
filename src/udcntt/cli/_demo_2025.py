"""``udcntt demo --example lam-dong-2025``: the merged Lâm Đồng, ranks across the merger.

SYNTHETIC EXAMPLE: the departments, agencies and 121 communes, wards and the special zone
of the new Lâm Đồng (Lâm Đồng, Đắk Nông and Bình Thuận merged on 01/07/2025), scored with
``rules/commune-2025.yaml``; last year's values are a synthetic 2024 survey of the three
former provinces' units, carried across the lineage (``examples/lam-dong-2025/``). Every
output says it is synthetic: the file names end in ``-gia-lap``, the narrative and the
comparison say so, and the JSON flags ``comparison.previous_synthetic``.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from udcntt.cli._output import Printer
from udcntt.errors import UsageError, msg

__all__ = ["DEMO_2025_FILES", "demo_2025"]

#: The packaged copies of the example (kept equal to the originals by scripts/sync_demo.py).
DEMO_2025_FILES = {
    "rules": "commune-2025.yaml",
    "registry": "lam-dong-2025-agencies.yaml",
    "lineage": "lam-dong-2025-lineage.yaml",
    "previous": "lam-dong-2025-survey-2024.csv",
    "survey": "lam-dong-2025-survey-2025.csv",
}


def demo_2025(args: argparse.Namespace, printer: Printer) -> int:
    """Score the 2025 example, compare with 2024 across the lineage, write the reports.

    Raises:
        UsageError: when the output names a file, or its folder cannot be created.
    """
    from udcntt.cli._commands import _summary, write_outputs
    from udcntt.data import read_registry, read_survey
    from udcntt.evaluation import compare_with_lineage, evaluate
    from udcntt.lineage import load_lineage
    from udcntt.program import load_rules
    from udcntt.report import available_formats, narrative

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(
            msg("the demo writes into a folder, and '{path}' is a file", path=out),
            code="E-IO",
            hint=msg("name a folder (it is created if missing)"),
        )
    base = resources.files("udcntt") / "_demo"
    files = {k: Path(str(base / v)) for k, v in DEMO_2025_FILES.items()}
    rules = load_rules(files["rules"])
    lineage = load_lineage(files["lineage"])
    previous = evaluate(rules, read_survey(files["previous"], rules, year=2024))
    data = read_survey(files["survey"], rules, registry=read_registry(files["registry"]), year=2025)
    current = evaluate(rules, data, options={"demo": "lam-dong-2025"})
    assessment = compare_with_lineage(current, previous, lineage)
    _summary(assessment, printer)
    printer.line("")
    printer.line(narrative(assessment, lang=printer.lang))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            msg(
                "cannot create the folder '{path}': {reason}", path=out, reason=exc.strerror or exc
            ),
            code="E-IO",
        ) from exc
    outputs = [str(out / f"ket-qua-2025-gia-lap{ext}") for ext in available_formats()]
    write_outputs(assessment, outputs, printer)
    return 0
