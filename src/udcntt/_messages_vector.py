"""The Vietnamese catalogue, scoring-engine part: messages of ``evaluate(engine=...)``.

Merged into :data:`udcntt._messages.VI` in place; see that module for how the catalogue is
checked.
"""

from __future__ import annotations

__all__ = ["VI_VECTOR"]

#: English template → Vietnamese template (engine area of :data:`udcntt._messages.VI`).
VI_VECTOR: dict[str, str] = {
    "engine '{engine}' is not one of auto, decimal, vector": "cách tính '{engine}' không phải một trong auto, decimal, vector",
    "engine 'vector' needs the optional package numpy": "cách tính 'vector' cần gói tùy chọn numpy",
}
