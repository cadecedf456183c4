"""The Vietnamese catalogue, national-scale part: messages of reading large results files
one part at a time and of reports split into pages.

Merged into :data:`udcntt._messages.VI` in place; see that module for how the catalogue is
checked.
"""

from __future__ import annotations

__all__ = ["VI_SCALE"]

#: English template → Vietnamese template (scale area of :data:`udcntt._messages.VI`).
VI_SCALE: dict[str, str] = {
    "'{path}' is longer than {limit} characters": "'{path}' dài hơn {limit} ký tự",
}
