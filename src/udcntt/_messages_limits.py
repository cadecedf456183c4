"""The Vietnamese catalogue, survey-limits part: messages of the size checks made on a
survey file's shape before its values are read.

Merged into :data:`udcntt._messages.VI` in place; see that module for how the catalogue is
checked.
"""

from __future__ import annotations

__all__ = ["VI_LIMITS"]

#: English template → Vietnamese template (limits area of :data:`udcntt._messages.VI`).
VI_LIMITS: dict[str, str] = {
    "the survey has {count} rows; the limit is {limit} (max_rows)": "bộ số liệu khảo sát có {count} dòng; giới hạn là {limit} (max_rows)",
    "the survey has at least {count} rows; the limit is {limit} (max_rows)": "bộ số liệu khảo sát có ít nhất {count} dòng; giới hạn là {limit} (max_rows)",
    "the survey has {count} non-empty cells; the limit is {limit} (max_cells)": "bộ số liệu khảo sát có {count} ô có dữ liệu; giới hạn là {limit} (max_cells)",
    "sheet part '{part}' has {count} cells; the limit is {limit} (max_cells)": "phần trang tính '{part}' có {count} ô; giới hạn là {limit} (max_cells)",
    "if the file is trusted, raise the limit: {option} N on the command line, Limits({field}=N) in the API (reading costs {cost})": "nếu tệp đáng tin cậy, hãy nâng giới hạn: {option} N trên dòng lệnh, Limits({field}=N) trong API (việc đọc tốn {cost})",
    "about 35 bytes of memory and 0.45 µs of CPU per cell of a CSV file, about 0.5 KB and 20 µs per cell of an XLSX workbook (measured on a 2-core machine)": "khoảng 35 byte bộ nhớ và 0,45 µs CPU cho mỗi ô của tệp CSV, khoảng 0,5 KB và 20 µs cho mỗi ô của sổ tính XLSX (đo trên máy 2 lõi)",
    "delete the rows and cells below the data, or raise the limit: --max-rows N on the command line, Limits(max_rows=N) in the API": "hãy xóa các dòng và ô phía dưới vùng số liệu, hoặc nâng giới hạn: --max-rows N trên dòng lệnh, Limits(max_rows=N) trong API",
    "delete the unused rows and columns, or raise the limit: --max-cells N on the command line, Limits(max_cells=N) in the API": "hãy xóa các dòng và cột không dùng, hoặc nâng giới hạn: --max-cells N trên dòng lệnh, Limits(max_cells=N) trong API",
    "cannot write '{path}': the folder '{folder}' is not writable ({reason})": "không ghi được '{path}': không có quyền ghi vào thư mục '{folder}' ({reason})",
    "choose a folder you can write to": "hãy chọn một thư mục có quyền ghi",
}
