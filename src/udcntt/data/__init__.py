"""Survey data: the dataset model, and readers for CSV, XLSX, JSON and YAML surveys.

:func:`read_survey` reads a survey file into a :class:`Dataset` for a rule set, matching
agencies to a :class:`Registry` read by :func:`read_registry`, laid out as a
:class:`~udcntt.model.SurveyLayout` says (:func:`read_layout`). :func:`write_template`
writes the data-entry workbook of a rule set. Reading XLSX needs the ``excel`` extra.
"""

from udcntt.data._column_access import is_slot, survey_columns, survey_positions, survey_rows
from udcntt.data._dataset import (
    MISSING,
    NA,
    AgencyRecord,
    CellInfo,
    Dataset,
    Marker,
    Value,
    ValueOrMarker,
)
from udcntt.data._limits import DEFAULT_LIMITS, Limits
from udcntt.data._plugins import discover_readers, register_reader, unregister_reader
from udcntt.data._read import SURVEY_SUFFIXES, check_layout, read_layout, read_survey
from udcntt.data._registry import AgencyMatch, Registry, RegistryAgency, read_registry
from udcntt.data._relations import indicator_names
from udcntt.data._single import parse_value
from udcntt.data._template import template_columns, write_template
from udcntt.data._text import clean_text, match_key, slugify

__all__ = [
    "DEFAULT_LIMITS",
    "MISSING",
    "NA",
    "SURVEY_SUFFIXES",
    "AgencyMatch",
    "AgencyRecord",
    "CellInfo",
    "Dataset",
    "Limits",
    "Marker",
    "Registry",
    "RegistryAgency",
    "Value",
    "ValueOrMarker",
    "check_layout",
    "clean_text",
    "discover_readers",
    "indicator_names",
    "is_slot",
    "match_key",
    "parse_value",
    "read_layout",
    "read_registry",
    "read_survey",
    "register_reader",
    "slugify",
    "survey_columns",
    "survey_positions",
    "survey_rows",
    "template_columns",
    "unregister_reader",
    "write_template",
]
