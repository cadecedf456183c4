"""The analysis as an HTML section: rank intervals, Sobol bars, a correlation heatmap.

Self-contained (inline SVG and CSS, no script, nothing fetched) and accessible: each chart
is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, followed by the same numbers
in a table. Every text from the survey or the rule set is escaped. :func:`analysis_section`
gives the ``<section>`` alone, to embed in a report; :func:`analysis_to_html` a page.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from udcntt._words import check_lang, word
from udcntt.analysis._narrative import narrative

if TYPE_CHECKING:
    from udcntt.analysis._analyse import AnalysisResult
    from udcntt.analysis._coherence import BlockCoherence
    from udcntt.analysis._montecarlo import AgencyInterval

__all__ = ["analysis_section", "analysis_to_html"]

_CSS = """
.udcntt-analysis{font-family:system-ui,sans-serif;color:#212121;max-width:60rem}
.udcntt-analysis svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
.udcntt-analysis table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}
.udcntt-analysis th,.udcntt-analysis td{border:1px solid #bdbdbd;padding:.2rem .4rem;text-align:left}
.udcntt-analysis td.n{text-align:right}
"""


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(label_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg role="img" aria-labelledby="{label_id}-t {label_id}-d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{label_id}-t">{escape(title)}</title>'
        f'<desc id="{label_id}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _interval_chart(
    rows: list[AgencyInterval], names: dict[str, str], key: str, title: str, desc: str
) -> str:
    ranked = [r for r in rows if r.rank is not None]
    n = max((r.high or 0 for r in ranked), default=1)
    left, width, row = 250, 420, 18
    height = 30 + row * len(ranked)

    def x(rank: int) -> float:
        return left + (rank - 0.5) / max(n, 1) * width

    body = [f'<line x1="{left}" y1="20" x2="{left + width}" y2="20" stroke="#9e9e9e"/>']
    for tick in sorted({1, n, *range(5, n + 1, 5)}):
        body.append(
            f'<text x="{_n(x(tick))}" y="14" font-size="10" text-anchor="middle">{tick}</text>'
        )
    for k, r in enumerate(ranked):
        y = 30 + k * row + row / 2
        name = names.get(r.agency, r.agency)
        short = name if len(name) <= 38 else name[:37] + "…"
        body.append(
            f'<text x="{left - 8}" y="{_n(y + 4)}" font-size="11" text-anchor="end">{escape(short)}</text>'
        )
        body.append(
            f'<line x1="{_n(x(r.low or 0))}" y1="{_n(y)}" x2="{_n(x(r.high or 0))}" y2="{_n(y)}" '
            'stroke="#1565c0" stroke-width="3" stroke-linecap="round"/>'
        )
        body.append(f'<circle cx="{_n(x(r.rank or 0))}" cy="{_n(y)}" r="4" fill="#c62828"/>')
    return _svg(key, title, desc, left + width + 20, height, body)


def _sobol_chart(result: AnalysisResult, title: str, desc: str) -> str:
    left, width, row = 250, 420, 26
    body: list[str] = []
    for k, s in enumerate(result.sobol):
        y = 10 + k * row
        body.append(
            f'<text x="{left - 8}" y="{y + 14}" font-size="11" text-anchor="end">{escape(s.name)}</text>'
        )
        total = max(0.0, min(1.0, s.total))
        first = max(0.0, min(1.0, s.first))
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{_n(total * width)}" height="18" fill="#90caf9"/>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 6}" width="{_n(first * width)}" height="10" fill="#0d47a1"/>'
        )
        lo, hi = max(0.0, s.total - s.total_conf), min(1.0, s.total + s.total_conf)
        body.append(
            f'<line x1="{_n(left + lo * width)}" y1="{y + 11}" x2="{_n(left + hi * width)}" y2="{y + 11}" stroke="#212121"/>'
        )
    height = 20 + row * len(result.sobol)
    return _svg("sobol", title, desc, left + width + 20, height, body)


def _heatmap(c: BlockCoherence, key: str, title: str, desc: str) -> str:
    cell, left, top = 56, 170, 120
    k = len(c.variables)
    body: list[str] = []
    for i, name in enumerate(c.variables):
        body.append(
            f'<text x="{left - 6}" y="{top + i * cell + cell / 2 + 4}" font-size="11" text-anchor="end">{escape(name)}</text>'
        )
        body.append(
            f'<text transform="translate({left + i * cell + cell / 2},{top - 6}) rotate(-45)" font-size="11">{escape(name)}</text>'
        )
        for j in range(k):
            v = c.pearson[i][j]
            strength = 0.0 if v is None else abs(v)
            colour = "#c62828" if v is not None and v < 0 else "#1565c0"
            body.append(
                f'<rect x="{left + j * cell}" y="{top + i * cell}" width="{cell}" height="{cell}" '
                f'fill="{colour}" fill-opacity="{_n(strength * 0.9 + 0.05)}" stroke="#ffffff"/>'
            )
            text = "–" if v is None else f"{v:.2f}"
            ink = "#ffffff" if strength > 0.55 else "#212121"
            body.append(
                f'<text x="{left + j * cell + cell / 2}" y="{top + i * cell + cell / 2 + 4}" font-size="11" '
                f'text-anchor="middle" fill="{ink}">{text}</text>'
            )
    return _svg(key, title, desc, left + k * cell + 10, top + k * cell + 10, body)


def analysis_section(result: AnalysisResult, lang: str = "vi") -> str:
    """The analysis as one ``<section>`` of HTML (see the module docstring)."""
    check_lang(lang)

    def w(key: str, **fields: object) -> str:
        return word(f"analysis.html.{key}", lang, **fields)

    names = {r.agency_id: r.name for r in result.assessment.results}
    parts = [
        f'<section class="udcntt-analysis" lang="{escape(lang)}" aria-labelledby="udcntt-analysis-h">'
    ]
    parts.append(f'<h2 id="udcntt-analysis-h">{escape(w("title"))}</h2>')
    parts.extend(f"<p>{escape(s)}</p>" for s in narrative(result, lang))
    for b, block in enumerate(result.assessment.blocks()):
        label = result.assessment.block_labels[block]
        rows = sorted(
            (i for i in result.intervals if i.block == block),
            key=lambda i: (i.rank is None, i.rank or 0, i.agency),
        )
        title = w("intervals", block=label)
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(
            _interval_chart(rows, names, f"ri{b}", title, w("intervals_desc", draws=result.draws))
        )
        head = [w("agency"), w("rank"), w("median"), w("interval"), w("tier_p"), w("sign_p")]
        parts.append(
            "<table><thead><tr>"
            + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
            + "</tr></thead><tbody>"
        )
        for i in rows:
            p = i.tier_probability.get(i.tier, 0.0)
            cells = [
                "" if i.rank is None else str(i.rank),
                "" if i.median_rank is None else f"{i.median_rank:g}",
                "" if i.low is None else f"{i.low}–{i.high}",
                f"{p * 100:.1f} %",
                "" if i.same_sign is None else f"{i.same_sign * 100:.1f} %",
            ]
            parts.append(
                f'<tr><th scope="row">{escape(names.get(i.agency, i.agency))}</th>'
                + "".join(f'<td class="n">{escape(c)}</td>' for c in cells)
                + "</tr>"
            )
        parts.append("</tbody></table>")
    if result.sobol:
        parts.append(f"<h3>{escape(w('sobol'))}</h3>")
        parts.append(_sobol_chart(result, w("sobol"), w("sobol_desc")))
        parts.append(
            "<table><thead><tr>"
            + "".join(
                f'<th scope="col">{escape(h)}</th>' for h in (w("factor"), w("first"), w("total"))
            )
            + "</tr></thead><tbody>"
        )
        for s in result.sobol:
            parts.append(
                f'<tr><th scope="row">{escape(s.name)}</th><td class="n">{s.first:.3f} ± {s.first_conf:.3f}</td>'
                f'<td class="n">{s.total:.3f} ± {s.total_conf:.3f}</td></tr>'
            )
        parts.append("</tbody></table>")
    for b, c in enumerate(result.coherence):
        label = result.assessment.block_labels[c.block]
        title = w("heatmap", block=label)
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(_heatmap(c, f"hm{b}", title, w("heatmap_desc")))
        if c.flags:
            items = "".join(
                f"<li>{escape(f['criterion'])}: {escape(w(f['flag']))}</li>" for f in c.flags
            )
            parts.append(f"<p>{escape(w('flags'))}:</p><ul>{items}</ul>")
    receipt = result.assessment.receipt
    parts.append(
        f"<p><small>{escape(w('receipt').format(seed=result.seed, draws=result.draws, rules=receipt.rules_fingerprint[:12]))}</small></p>"
    )
    parts.append("</section>")
    return "\n".join(parts)


def analysis_to_html(result: AnalysisResult, lang: str = "vi") -> str:
    """A complete, self-contained HTML page holding :func:`analysis_section`."""
    title = escape(result.spec.title or result.assessment.title)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        + analysis_section(result, lang)
        + "\n</main>\n</body>\n</html>\n"
    )
