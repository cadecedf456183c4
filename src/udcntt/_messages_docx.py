"""Vietnamese renderings of the Word report's diagnostics (the front matter of an official
text, :mod:`udcntt.report._docx_front`). Merged into :data:`udcntt._messages.VI`."""

from __future__ import annotations

__all__ = ["VI_DOCX"]

VI_DOCX: dict[str, str] = {
    "unknown front-matter key '{key}'": "khóa '{key}' không có trong phần mở đầu văn bản",
    "the keys are: {keys}": "các khóa được dùng: {keys}",
    "front-matter key '{key}' must be a text or a list of texts": (
        "khóa '{key}' của phần mở đầu văn bản phải là một dòng chữ hoặc một danh sách dòng chữ"
    ),
    "put a text that holds ': ' in quotes: - \"Lưu: VT\"": (
        "đặt dòng chữ có ': ' trong ngoặc kép: - \"Lưu: VT\""
    ),
    "front-matter key '{key}' must be a text": (
        "khóa '{key}' của phần mở đầu văn bản phải là một dòng chữ"
    ),
    "front-matter date '{value}' is not a date": (
        "ngày '{value}' của phần mở đầu văn bản không phải là một ngày hợp lệ"
    ),
    "write the date as YYYY-MM-DD, e.g. 2018-01-15": (
        "hãy viết ngày theo dạng NNNN-TT-NN, ví dụ 2018-01-15"
    ),
    "the front-matter file must be a mapping of keys to texts": (
        "tệp phần mở đầu văn bản phải là một bảng khóa và nội dung"
    ),
    "front_matter must be a FrontMatter, a mapping or True, not {kind}": (
        "front_matter phải là một FrontMatter, một bảng khóa và nội dung hoặc True, không phải {kind}"
    ),
}
