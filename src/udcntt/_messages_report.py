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
    "'synthetic' is true or false": "'synthetic' phải là true hoặc false",
    "the robustness analysis does not model 'totals: sum_of_rounded' yet: its draws add unrounded group points": "phân tích độ vững chưa mô phỏng được 'totals: sum_of_rounded': các lần rút mẫu cộng điểm nhóm chưa làm tròn",
    "analyse a copy of the rule file with 'totals: rounded_sum'; each total differs by at most its last digit": "hãy phân tích một bản sao của tệp quy tắc với 'totals: rounded_sum'; mỗi tổng điểm chỉ lệch nhiều nhất ở chữ số cuối",
    "'totals: sum_of_rounded' under 'rounding' cannot hold with 'not_applicable: rescale': a rescaled total is not a sum of group points": "'totals: sum_of_rounded' trong 'rounding' không dùng được cùng 'not_applicable: rescale': tổng điểm đã co giãn không còn là tổng các điểm nhóm",
    "agency '{agency}' publishes the total {total}, but its published group points add up to {added} ({parts})": "đơn vị '{agency}' công bố tổng điểm {total}, nhưng các điểm nhóm đã công bố cộng lại là {added} ({parts})",
    "the engine must add the top-level points as published under 'totals: sum_of_rounded'; report it as a bug of udcntt": "với 'totals: sum_of_rounded', bộ máy chấm điểm phải cộng các điểm cấp cao nhất như đã công bố; hãy báo đây là lỗi của udcntt",
}
