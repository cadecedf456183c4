"""Survey data: the dataset model, and readers for CSV, XLSX, JSON and YAML surveys."""

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

__all__ = [
    "MISSING",
    "NA",
    "AgencyRecord",
    "CellInfo",
    "Dataset",
    "Marker",
    "Value",
    "ValueOrMarker",
]
