"""Results out: JSON (with traces and receipt), CSV, and the published report formats."""

from udcntt.report._csv import CSV_COLUMNS, assessment_to_csv, neutralise
from udcntt.report._json import (
    ASSESSMENT_SCHEMA,
    ASSESSMENT_SCHEMA_VERSION,
    assessment_to_dict,
    assessment_to_json,
    load_assessment,
)

__all__ = [
    "ASSESSMENT_SCHEMA",
    "ASSESSMENT_SCHEMA_VERSION",
    "CSV_COLUMNS",
    "assessment_to_csv",
    "assessment_to_dict",
    "assessment_to_json",
    "load_assessment",
    "neutralise",
]
