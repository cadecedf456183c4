"""Are the ranks robust? Uncertainty and sensitivity analysis of a scored survey.

A layer above :mod:`udcntt.report` (the core never imports it), behind the ``analysis``
extra (NumPy, SciPy and SALib). An analysis file declares what may vary — points and
weights, normalisations, aggregations, tier thresholds, imputation, noise on self-reported
values, criteria that may be left out — and :func:`analyse` answers with rank intervals,
tier probabilities, Sobol indices, one-at-a-time runs and a coherence audit:

>>> import udcntt
>>> from udcntt.analysis import analyse, load_analysis
>>> spec, rules = load_analysis("examples/lam-dong-2018/analysis.yaml")  # doctest: +SKIP
>>> data = udcntt.read_survey("examples/lam-dong-2018/survey-2018.csv", rules)  # doctest: +SKIP
>>> result = analyse(rules, data, analysis=spec, draws=2000, seed=1)  # doctest: +SKIP
"""

from udcntt.analysis._analyse import (
    ANALYSIS_SCHEMA_VERSION,
    AnalysisResult,
    analyse,
    analysis_to_dict,
    analysis_to_json,
    load_analysis,
)
from udcntt.analysis._coherence import BlockCoherence, coherence_audit, cronbach_alpha
from udcntt.analysis._html import analysis_section, analysis_to_html
from udcntt.analysis._montecarlo import AgencyInterval
from udcntt.analysis._narrative import narrative
from udcntt.analysis._sensitivity import OneAtATime, SobolIndex, sobol_indices
from udcntt.analysis._spec import AnalysisSpec, Factor, parse_analysis
from udcntt.analysis._write import ANALYSIS_FORMATS, analysis_to_xlsx, write_analysis

__all__ = [
    "ANALYSIS_FORMATS",
    "ANALYSIS_SCHEMA_VERSION",
    "AgencyInterval",
    "AnalysisResult",
    "AnalysisSpec",
    "BlockCoherence",
    "Factor",
    "OneAtATime",
    "SobolIndex",
    "analyse",
    "analysis_section",
    "analysis_to_dict",
    "analysis_to_html",
    "analysis_to_json",
    "analysis_to_xlsx",
    "coherence_audit",
    "cronbach_alpha",
    "load_analysis",
    "narrative",
    "parse_analysis",
    "sobol_indices",
    "write_analysis",
]
