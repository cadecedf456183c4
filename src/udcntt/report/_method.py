"""The methodology every published report states: year, rule set, basis, data, thresholds.

:func:`methodology` collects, from an assessment (and the rule set it was scored with, when
the assessment still carries it), what a reader needs to read the tables: the year, the rule
set with its version and legal basis, the data source, the tier thresholds, the block
maxima, the rounding rule, whether parts are reconstructed or synthetic, and whether the
published totals equal the sum of the published group points (:func:`totals_check`). Each
format renders :meth:`Methodology.lines` its own way: a section in HTML and DOCX, a sheet in
XLSX, a block in Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from udcntt._words import word
from udcntt.errors import Diagnostic, Severity, SourceLocation, msg
from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang, fmt_number, round_half_up
from udcntt.report._tables import block_views, score_places

if TYPE_CHECKING:
    from udcntt.report._xlsx_book import Book

__all__ = [
    "Methodology",
    "TotalsCheck",
    "attach_rule_facts",
    "data_synthetic",
    "methodology",
    "methodology_sheet",
    "rule_facts",
    "rules_year",
    "totals_check",
    "year_warning",
]


@dataclass(frozen=True, slots=True)
class TotalsCheck:
    """How the published totals relate to the sum of the published group points.

    ``rows`` agencies are checked (those with top-level groups); in ``differ`` of them the
    total differs from the sum of the group points as published, by at most ``largest``.
    """

    rows: int
    differ: int
    largest: Decimal
    places: int

    @property
    def adds_up(self) -> bool:
        """Every published total equals the sum of its published group points."""
        return self.differ == 0

    def note(self, lang: str) -> str | None:
        """The one-line rounding note, or ``None`` when every total adds up.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        if self.adds_up:
            return None
        return word(
            "report.method.totals_note",
            lang,
            places=self.places,
            differ=self.differ,
            rows=self.rows,
            largest=fmt_number(self.largest, lang=lang, places=self.places),
        )


def totals_check(assessment: Assessment) -> TotalsCheck:
    """Compare each published total with the sum of its group points rounded as published."""
    places = score_places(assessment)
    rows = differ = 0
    largest = Decimal(0)
    for view in block_views(assessment):
        if not view.groups:
            continue
        for r in view.results:
            parts = [r.criteria[g.id].points for g in view.groups if g.id in r.criteria]
            shown = sum(
                (round_half_up(p, places) for p in parts if p is not None), start=Decimal(0)
            )
            rows += 1
            gap = abs(round_half_up(r.total, places) - shown)
            if gap:
                differ += 1
                largest = max(largest, gap)
    return TotalsCheck(rows=rows, differ=differ, largest=largest, places=places)


@dataclass(frozen=True)
class Methodology:
    """What a report says about how its numbers were made (see the module)."""

    year: int | None
    title: str
    rules_id: str
    version: str | None
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]
    data_source: str | None
    tier_basis: str
    tiers: tuple[tuple[str, Decimal | None], ...]
    block_max: tuple[tuple[str, Decimal], ...]
    places: int
    share_places: int | None
    rounding_mode: str | None
    reconstructed: str | None
    synthetic: bool
    totals: TotalsCheck
    #: The survey (or its registry) says this year's data are synthetic, an example.
    data_synthetic: bool = False

    def lines(self, lang: str) -> list[tuple[str, str]]:
        """``(heading, text)`` pairs in a fixed order, the rows every format shows.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        check_lang(lang)

        def w(key: str, **fields: Any) -> str:
            return word(f"report.method.{key}", lang, **fields)

        out = [
            (w("year"), str(self.year) if self.year is not None else w("year_unknown")),
            (
                w("rules"),
                f"{self.title} ({self.rules_id}"
                + (f", {w('version', version=self.version)}" if self.version else "")
                + ")",
            ),
        ]
        if self.legal_basis:
            out.append((w("legal_basis"), "; ".join(self.legal_basis)))
        data = self.data_source or w("data_unknown")
        out.append((w("data"), data))
        if self.sources:
            # Shown without the scheme: a reference to read, not a link the page loads.
            out.append((w("sources"), "; ".join(_bare(s) for s in self.sources)))
        tiers = []
        for label, low in self.tiers:
            if low is None:
                tiers.append(label)
            elif self.tier_basis == "share":
                pct = fmt_number(low * 100, lang=lang, places=_places(low * 100))
                tiers.append(w("tier_share", tier=label, min=pct))
            else:
                tiers.append(w("tier_points", tier=label, min=fmt_number(low, lang=lang)))
        out.append((w("tiers"), "; ".join(tiers)))
        out.append(
            (
                w("block_max"),
                "; ".join(f"{label}: {fmt_number(m, lang=lang)}" for label, m in self.block_max),
            )
        )
        rounding = w("rounding_total", places=self.places)
        if self.share_places is not None:
            rounding += "; " + w("rounding_share", places=self.share_places)
        if self.rounding_mode:
            rounding += "; " + w(f"mode_{self.rounding_mode}")
        out.append((w("rounding"), rounding))
        note = self.totals.note(lang)
        out.append((w("totals"), note if note is not None else w("totals_add_up")))
        if self.reconstructed:
            out.append((w("reconstructed"), self.reconstructed))
        if self.data_synthetic:
            out.append((w("synthetic"), w("synthetic_data_text")))
        elif self.synthetic:
            out.append((w("synthetic"), w("synthetic_text")))
        return out


def _bare(source: str) -> str:
    for scheme in ("https://", "http://"):
        if source.startswith(scheme):
            return source[len(scheme) :]
    return source


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


#: Where :func:`attach_rule_facts` keeps the facts of results read back from JSON.
_FACTS_ATTR = "_udcntt_rule_facts"


def rule_facts(assessment: Assessment) -> dict[str, Any] | None:
    """What the rule set says of its method (the JSON object ``methodology``): version,
    legal basis, references, declared rounding of shares, reconstructed parts.

    From the rule set a fresh :func:`udcntt.evaluate` carries, or from the results file the
    assessment was read from; ``None`` when neither is known (an assessment built by hand).
    """
    stored = getattr(assessment, _FACTS_ATTR, None)
    if stored is not None:
        return dict(stored)
    rules = getattr(assessment._compiled, "rules", None)
    if rules is None:
        return None
    facts: dict[str, Any] = {
        "version": rules.version,
        "legal_basis": list(rules.legal_basis),
        "sources": list(rules.sources),
        "share_places": rules.rounding.share,
        "rounding_mode": str(rules.rounding.mode.value),
        "reconstructed": " ".join(str(rules.reconstructed).split())
        if rules.reconstructed
        else _reconstructed_criteria(rules.criteria),
    }
    if getattr(assessment._dataset, "synthetic", False):
        facts["synthetic_data"] = True
    return facts


def data_synthetic(assessment: Assessment) -> bool:
    """Whether the survey scored (or its registry) says the data are synthetic, an example:
    from the dataset a fresh :func:`udcntt.evaluate` carries, or from the results file."""
    stored = getattr(assessment, _FACTS_ATTR, None)
    if stored is not None:
        return bool(stored.get("synthetic_data", False))
    return bool(getattr(assessment._dataset, "synthetic", False))


def _reconstructed_criteria(criteria: Any) -> str | None:
    """The criteria marked ``reconstructed: true`` (ids), when the rule set has no
    ``reconstructed:`` text of its own."""
    found: list[str] = []
    stack = list(criteria)
    while stack:
        c = stack.pop(0)
        if getattr(c, "reconstructed", False):
            found.append(str(c.id))
        stack.extend(getattr(c, "children", None) or ())
    return ", ".join(found) if found else None


def attach_rule_facts(assessment: Assessment, facts: dict[str, Any]) -> None:
    """Keep ``facts`` (a validated JSON object ``methodology``) with an assessment read back
    from a results file, so its reports state the same method as the direct ones."""
    # Assessment is a frozen dataclass with a __dict__: the facts ride along outside its
    # fields (equality and the JSON fields are unchanged).
    object.__setattr__(assessment, _FACTS_ATTR, dict(facts))


def methodology(assessment: Assessment) -> Methodology:
    """The methodology of ``assessment``: from the assessment, and from what its rule set
    says of its method (:func:`rule_facts`) when that is known."""
    facts = rule_facts(assessment) or {}
    source = assessment.receipt.data_source
    comparison = assessment.comparison
    return Methodology(
        year=assessment.year,
        title=assessment.title,
        rules_id=assessment.rules_id,
        version=facts.get("version"),
        legal_basis=tuple(facts.get("legal_basis") or ()),
        sources=tuple(facts.get("sources") or ()),
        data_source=PurePath(source).name if source else None,
        tier_basis=assessment.tier_basis,
        tiers=tuple((level.label, level.min) for level in assessment.tiers),
        block_max=tuple(
            (assessment.block_labels.get(b, b), m)
            for b, m in assessment.block_max.items()
            if b in assessment.blocks()
        ),
        places=score_places(assessment),
        share_places=facts.get("share_places"),
        rounding_mode=facts.get("rounding_mode"),
        reconstructed=facts.get("reconstructed"),
        synthetic=bool(comparison is not None and comparison.previous_synthetic),
        totals=totals_check(assessment),
        data_synthetic=data_synthetic(assessment),
    )


def methodology_sheet(book: Book, assessment: Assessment, lang: str) -> None:
    """Add the sheet "Phương pháp đánh giá" (one row per line of the methodology) to a
    workbook being written.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    title = word("report.method.title", lang)
    sh = book.sheet(title)
    sh.title(1, title, 2)
    row = 2
    for label, text in methodology(assessment).lines(lang):
        row += 1
        sh.put(row, 1, label, bold=True, border=True, wrap=True, valign="top")
        sh.put(row, 2, text, border=True, wrap=True, measure=False, valign="top")
    sh.finish(header_rows=None, freeze=None, fixed={1: 28, 2: 90})


def rules_year(rules: Any) -> int | None:
    """The year a rule set covers when it says so: its ``effective`` period starts and ends
    in the same calendar year. ``None`` otherwise (a set in force over several years)."""
    period = getattr(rules, "effective", None)
    start = getattr(period, "start", None)
    end = getattr(period, "end", None)
    if start is not None and end is not None and start.year == end.year:
        return int(start.year)
    return None


def year_warning(source: str | None) -> Diagnostic:
    """``W-REPORT-YEAR``, located at the survey: the reports cannot say which year they cover
    (no ``--year``, no ``year`` in the survey file, a rule set in force over several years).
    """
    return Diagnostic(
        code="W-REPORT-YEAR",
        severity=Severity.WARNING,
        message=msg("the survey year is not known: the reports will not say which year they cover"),
        location=SourceLocation(file=str(source)) if source else None,
        hint=msg("pass --year YYYY, or put 'year' in the survey file"),
    )
