"""Results out: JSON (with traces and receipt), CSV, and the published report formats.

:func:`write_report` picks the format from the file name: ``.json``, ``.csv``, ``.md``,
``.xlsx`` (openpyxl), ``.docx`` (python-docx), ``.html`` (jinja2). :func:`narrative` is the
press summary in Vietnamese or English; :func:`province_figures` the indicator totals and
shares it quotes; :func:`methodology` what every published report states of its method
(year, rule set, legal basis, thresholds, rounding, whether totals add up).
"""

from udcntt.report._csv import CSV_COLUMNS, CSV_STYLES, assessment_to_csv, neutralise
from udcntt.report._dispatch import (
    REPORT_FORMATS,
    atomic_output,
    available_formats,
    check_output_folder,
    render_report,
    write_atomic,
    write_report,
)
from udcntt.report._docx import assessment_to_docx, write_docx
from udcntt.report._docx_front import FrontMatter, load_front_matter
from udcntt.report._figures import (
    IndicatorAggregate,
    IndicatorFigure,
    ProvinceFigures,
    ShareFigure,
    province_figures,
)
from udcntt.report._html import assessment_to_html
from udcntt.report._json import (
    ASSESSMENT_SCHEMA,
    ASSESSMENT_SCHEMA_VERSION,
    assessment_to_dict,
    assessment_to_json,
    is_assessment_file,
    load_assessment,
)
from udcntt.report._markdown import assessment_to_markdown
from udcntt.report._method import (
    Methodology,
    TotalsCheck,
    methodology,
    rules_year,
    totals_check,
    year_warning,
)
from udcntt.report._narrative import narrative, narrative_paragraphs
from udcntt.report._views import (
    VIEWS_FORMATS,
    TwoViews,
    ViewRow,
    two_views,
    write_two_views,
)
from udcntt.report._xlsx import assessment_to_xlsx

__all__ = [
    "ASSESSMENT_SCHEMA",
    "ASSESSMENT_SCHEMA_VERSION",
    "CSV_COLUMNS",
    "CSV_STYLES",
    "REPORT_FORMATS",
    "VIEWS_FORMATS",
    "FrontMatter",
    "IndicatorAggregate",
    "IndicatorFigure",
    "Methodology",
    "ProvinceFigures",
    "ShareFigure",
    "TotalsCheck",
    "TwoViews",
    "ViewRow",
    "assessment_to_csv",
    "assessment_to_dict",
    "assessment_to_docx",
    "assessment_to_html",
    "assessment_to_json",
    "assessment_to_markdown",
    "assessment_to_xlsx",
    "atomic_output",
    "available_formats",
    "check_output_folder",
    "is_assessment_file",
    "load_assessment",
    "load_front_matter",
    "methodology",
    "narrative",
    "narrative_paragraphs",
    "neutralise",
    "province_figures",
    "render_report",
    "rules_year",
    "totals_check",
    "two_views",
    "write_atomic",
    "write_docx",
    "write_report",
    "write_two_views",
    "year_warning",
]
