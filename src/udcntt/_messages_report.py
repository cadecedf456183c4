"""The Vietnamese catalogue, reports part: messages of the report writers and of what
``udcntt score`` says about the reports it writes.

Merged into :data:`udcntt._messages.VI` in place; see that module for how the catalogue is
checked.
"""

from __future__ import annotations

__all__ = ["VI_REPORT"]

#: English template → Vietnamese template (reports area of :data:`udcntt._messages.VI`).
VI_REPORT: dict[str, str] = {
    "the survey year is not known: the reports will not say which year they cover": "chưa biết năm của số liệu khảo sát: báo cáo sẽ không ghi rõ năm đánh giá",
    "pass --year YYYY, or put 'year' in the survey file": "hãy thêm --year YYYY, hoặc ghi 'year' trong tệp số liệu khảo sát",
    "unknown CSV style '{style}'": "không có kiểu CSV '{style}'",
    "use one of: {styles}": "hãy dùng một trong các kiểu: {styles}",
}
