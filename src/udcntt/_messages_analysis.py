"""The Vietnamese catalogue, analysis part: messages of analysis files and of the
uncertainty and sensitivity analysis (:mod:`udcntt.analysis`).

Merged into :data:`udcntt._messages.VI` in place; see that module for how the catalogue is
checked.
"""

from __future__ import annotations

__all__ = ["VI_ANALYSIS"]

#: English template → Vietnamese template (analysis area of :data:`udcntt._messages.VI`).
VI_ANALYSIS: dict[str, str] = {
    # analysis file: shape and numbers
    "expected a mapping": "cần một ánh xạ (mapping)",
    "expected a list": "cần một danh sách",
    "expected an id": "cần một mã định danh",
    "expected a non-empty list of methods": "cần một danh sách phương pháp không rỗng",
    "expected a non-empty list of alternatives": "cần một danh sách phương án không rỗng",
    "unknown key '{key}' in the analysis file": "khóa '{key}' không hợp lệ trong tệp phân tích",
    "allowed keys: {keys}": "các khóa hợp lệ: {keys}",
    "allowed: {keys}": "các giá trị hợp lệ: {keys}",
    "unsupported analysis format '{value}'": "phiên bản định dạng tệp phân tích '{value}' không được hỗ trợ",
    "rule file '{path}' not found": "không tìm thấy tệp quy tắc '{path}'",
    "the analysis file names no rule file: add 'extends'": "tệp phân tích không nêu tệp quy tắc: hãy thêm 'extends'",
    "'{value}' must be a finite number of at least {minimum}": "'{value}' phải là một số hữu hạn không nhỏ hơn {minimum}",
    "'{value}' must be a finite number above {minimum}": "'{value}' phải là một số hữu hạn lớn hơn {minimum}",
    "'{value}' must be a whole number from {lo} to {hi}": "'{value}' phải là số nguyên từ {lo} đến {hi}",
    "a spread is a percentage (10 means ±10 %), never negative": "độ dao động là một tỷ lệ phần trăm (10 nghĩa là ±10 %), không bao giờ âm",
    "a spread of {value} % could make points negative": "độ dao động {value} % có thể làm điểm bị âm",
    "a spread of {value} % could make values negative": "độ dao động {value} % có thể làm giá trị bị âm",
    "a probability is at most 1": "xác suất không lớn hơn 1",
    "name exactly one of 'criterion' or 'group'": "hãy nêu đúng một trong hai khóa 'criterion' hoặc 'group'",
    "give exactly one of 'uniform', 'alternatives' or 'dirichlet'": "hãy cho đúng một trong các khóa 'uniform', 'alternatives' hoặc 'dirichlet'",
    "a Dirichlet draw is over the children of a 'group'": "phân phối Dirichlet rút trọng số cho các tiêu chí con của một 'group'",
    "give '{key}' and 'methods'": "hãy cho '{key}' và 'methods'",
    "give 'tier' and one of 'uniform' or 'alternatives'": "hãy cho 'tier' và một trong hai khóa 'uniform' hoặc 'alternatives'",
    "give 'indicator' and 'uniform'": "hãy cho 'indicator' và 'uniform'",
    "each alternative maps child ids to points": "mỗi phương án gán điểm cho mã các tiêu chí con",
    "unknown method '{name}'": "phương pháp '{name}' không được hỗ trợ",
    "method '{name}' is listed twice": "phương pháp '{name}' được nêu hai lần",
    "'{name}' is declared twice": "'{name}' được khai báo hai lần",
    # analysis file checked against the rule set
    "no criterion '{name}' in the rule set": "bộ tiêu chí không có tiêu chí '{name}'",
    "no group '{name}' in the rule set": "bộ tiêu chí không có nhóm tiêu chí '{name}'",
    "no tier '{name}' in the rule set": "bộ tiêu chí không có mức xếp loại '{name}'",
    "no indicator '{name}' in the rule set": "bộ tiêu chí không có chỉ tiêu '{name}'",
    "'{name}' is not a child of '{group}'": "'{name}' không phải tiêu chí con của '{group}'",
    "alternative {index} gives the children of '{group}' {total} points, not its budget {budget}": "phương án {index} cho các tiêu chí con của '{group}' tổng cộng {total} điểm, khác điểm tối đa {budget} của nhóm",
    "the points of the children of a summing group must add up to its maximum": "điểm của các tiêu chí con trong một nhóm cộng điểm phải có tổng bằng điểm tối đa của nhóm",
    "alternative {index} gives every child of '{group}' a weight of 0": "phương án {index} cho mọi tiêu chí con của '{group}' trọng số 0",
    "criterion '{name}' is not normalised over a population": "tiêu chí '{name}' không được chuẩn hóa theo tập đơn vị",
    "alternative normalisations apply to leaves with a 'normalise' rule": "phương pháp chuẩn hóa thay thế chỉ áp dụng cho tiêu chí lá có quy tắc 'normalise'",
    "criterion '{name}' is unscored": "tiêu chí '{name}' không chấm điểm",
    "criterion '{name}' is not a group": "tiêu chí '{name}' không phải một nhóm",
    "the total always sums its groups; name a group": "tổng điểm luôn cộng điểm các nhóm; hãy nêu một nhóm",
    "group '{name}' has fewer than two children": "nhóm '{name}' có ít hơn hai tiêu chí con",
    "tier '{name}' has no threshold to vary": "mức '{name}' không có ngưỡng để thay đổi",
    "indicator '{name}' is not a number": "chỉ tiêu '{name}' không phải là số",
    "noise and imputation apply to count, number and ratio indicators": "nhiễu và giá trị thay thế chỉ áp dụng cho chỉ tiêu kiểu count, number và ratio",
    "varied tier thresholds overlap ({low} ≤ {high})": "các ngưỡng xếp loại khi thay đổi chồng lấn nhau ({low} ≤ {high})",
    "narrow the spread so that tiers stay in order": "hãy thu hẹp độ dao động để các mức vẫn giữ đúng thứ tự",
    # running an analysis
    "draws must be from 1 to {most}": "số lần rút phải từ 1 đến {most}",
    "{draws} draws of {agencies} agencies need {mb} MiB, more than half the memory cap of {cap} MiB": "{draws} lần rút cho {agencies} đơn vị cần {mb} MiB, quá một nửa giới hạn bộ nhớ {cap} MiB",
    "ask for at most {most} draws, or raise 'memory_mb'": "hãy yêu cầu tối đa {most} lần rút, hoặc tăng 'memory_mb'",
    "the nominal draw differs from the exact result: {what} {got} instead of {want}": "lần rút danh nghĩa khác kết quả chính xác: {what} là {got} thay vì {want}",
    "the analysis cannot model this rule set faithfully; please report it": "phần phân tích không mô phỏng đúng bộ tiêu chí này; xin hãy báo lỗi",
    "the analysis cannot model aggregation '{name}' of '{criterion}'": "phần phân tích không mô phỏng được cách tổng hợp '{name}' của '{criterion}'",
    "supported: {keys}": "được hỗ trợ: {keys}",
    "the analysis needs NumPy, SciPy and SALib": "phần phân tích cần NumPy, SciPy và SALib",
    "pip install 'udcntt[analysis]'": "pip install 'udcntt[analysis]'",
    "writing .xlsx needs openpyxl": "cần openpyxl để ghi tệp .xlsx",
    "pip install 'udcntt[excel]'": "pip install 'udcntt[excel]'",
    "the analysis file extends '{path}', not the rule file '{rules}'": "tệp phân tích mở rộng '{path}', không phải tệp quy tắc '{rules}'",
    "name the same rule file on the command line and in 'extends'": "hãy nêu cùng một tệp quy tắc trên dòng lệnh và trong 'extends'",
    "unknown output format '{suffix}'": "định dạng tệp kết quả '{suffix}' không được hỗ trợ",
}
