"""The one table of problem codes -> sentences, in Vietnamese and English.

The engine reports each thing wrong as a :class:`~chiso.engine.errors.Problem`: a stable code,
where (file, row, column, node) and parameters.  This module turns one into a sentence for the
reader — the command line (its ``--lang``) and the web (Django's active language) both call
:func:`message`; nothing else translates the engine's problems.  Rewording the engine's English
``detail`` changes nothing here: only the code and the parameter names are the contract, and
``tests/test_problem_messages.py`` checks that every code the engine emits has both sentences
and that every ``{param}`` a sentence names is supplied.

No Django import at module level: the command line stays light.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import Any

from chiso.engine.errors import EngineError, Problem
from chiso.lib.terms import range_text
from chiso.lib.vn_format import format_mb, format_number

#: code -> (Vietnamese, English).  ``{node}``, ``{row}``, ``{column}``, ``{file}`` are the problem's
#: place; every other ``{name}`` is one of its params.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- a framework's definition (chiso.engine.framework) ---
    "framework.missing_key": ("Thiếu khóa “{key}” ở cấp cao nhất.", "Missing top-level key “{key}”."),
    "framework.bad_status": (
        "Trạng thái (status) “{status}” không hợp lệ: dùng official, provisional hoặc template.",
        "Status “{status}” is invalid: use official, provisional or template."),
    "framework.table_entry_no_code": ("Bảng nodes: mỗi mục cần một mã (code).", "nodes table: every entry needs a code."),
    "framework.table_duplicate_code": ("Bảng nodes: mã “{node}” bị trùng.", "nodes table: code “{node}” is used twice."),
    "framework.cycle": ("Cây chỉ số có vòng lặp: {path}.", "The tree has a cycle: {path}."),
    "framework.unknown_child": (
        "Nhóm “{node}”: không có chỉ số con “{child}” (mã con phải có trong bảng nodes).",
        "Group “{node}”: there is no child “{child}” (a child given by its code must be in the nodes table)."),
    "framework.node_not_mapping": (
        "Nhóm “{node}”: mỗi chỉ số con phải là một bảng {{code, name, ...}}.",
        "Group “{node}”: each child must be a mapping {{code, name, ...}}."),
    "framework.node_no_code": ("Nhóm “{node}”: một chỉ số con chưa có mã (code).", "Group “{node}”: a child has no code."),
    "framework.duplicate_code": ("Mã “{node}” bị trùng.", "Code “{node}” is duplicated."),
    "framework.bad_name": (
        "Chỉ số “{node}”: tên (name) phải là một chuỗi chữ hoặc bảng {{vi: …, en: …}}.",
        "Indicator “{node}”: name must be a text or a mapping {{vi: …, en: …}}."),
    "framework.not_a_number": ("Chỉ số “{node}”: {field} phải là một số (đang là {got}).",
                               "Indicator “{node}”: {field} must be a number (it is {got})."),
    "framework.negative": ("Chỉ số “{node}”: {field} không được âm (đang là {got}).",
                           "Indicator “{node}”: {field} cannot be negative (it is {got})."),
    "framework.needs_max_points": (
        "Chỉ số “{node}”: nhóm cha cộng điểm nên chỉ số cần điểm tối đa (max_points).",
        "Indicator “{node}”: its group adds points, so it needs max points (max_points)."),
    "framework.bad_direction": ("Chỉ số “{node}”: chiều (direction) phải là 1 hoặc -1.",
                                "Indicator “{node}”: direction must be 1 or -1."),
    "framework.bad_range": ("Chỉ số “{node}”: khoảng giá trị (range) phải là [thấp, cao].",
                            "Indicator “{node}”: range must be [low, high]."),
    "framework.unknown_method": ("Nhóm “{node}”: không có phương pháp “{method}” (dùng một trong: {expected}).",
                                 "Group “{node}”: there is no method “{method}” (use one of: {expected})."),
    "framework.weights_sum": ("Nhóm “{node}”: tổng trọng số của các chỉ số con phải lớn hơn 0.",
                              "Group “{node}”: its children’s weights must add up to more than 0."),
    "framework.points_sum_zero": ("Nhóm “{node}”: tổng điểm tối đa của các chỉ số con bằng 0.",
                                  "Group “{node}”: its children’s max points add up to 0."),
    "framework.no_children": ("Nhóm “{node}”: chưa có chỉ số con nào.", "Group “{node}”: has no indicators."),
    "framework.unreachable": ("Bảng nodes có mã không thuộc cây chỉ số: {codes}.",
                              "The nodes table has codes outside the tree: {codes}."),
    "framework.bad_rank_decimals": ("rank_decimals phải là một số nguyên không âm (đang là {got}).",
                                    "rank_decimals must be a non-negative whole number (it is {got})."),
    "framework.roles_not_list": ("Chỉ số “{node}”: {key} phải là danh sách mã vai trò, ví dụ [so_tttt].",
                                 "Indicator “{node}”: {key} must be a list of role codes, e.g. [so_tttt]."),
    "framework.bad_role_code": (
        "Chỉ số “{node}”: mã vai trò ở {key} chỉ gồm chữ thường không dấu, số và dấu _ (đang ghi {got}), ví dụ so_tttt.",
        "Indicator “{node}”: role codes in {key} are lower-case letters without accents, digits and _ (found {got}), "
        "e.g. so_tttt."),
    "framework.role_twice": ("Chỉ số “{node}”: {key} ghi một vai trò hai lần.", "Indicator “{node}”: {key} names a role twice."),
    "framework.responsibility_not_mapping": (
        "Chỉ số “{node}”: responsibility phải là bảng {{lead, support, basis, proposal}}.",
        "Indicator “{node}”: responsibility must be a mapping {{lead, support, basis, proposal}}."),
    "framework.responsibility_unknown_keys": (
        "Chỉ số “{node}”: phân công có khóa lạ {keys} (chỉ dùng lead, support, basis, proposal).",
        "Indicator “{node}”: the assignment has unknown keys {keys} (use lead, support, basis, proposal)."),
    "framework.agency_role_not_lead": (
        "Chỉ số “{node}”: agency_role “{role}” không có trong danh sách chủ trì (lead) {lead}.",
        "Indicator “{node}”: agency_role “{role}” is not among the leads {lead}."),
    "framework.lead_and_support": ("Chỉ số “{node}”: vai trò {roles} vừa chủ trì vừa phối hợp.",
                                   "Indicator “{node}”: role {roles} is both lead and support."),
    "framework.no_lead": ("Chỉ số “{node}”: phân công chưa có cơ quan chủ trì (lead).",
                          "Indicator “{node}”: the assignment names no lead."),
    "framework.bad_proposal": ("Chỉ số “{node}”: proposal phải là true hoặc false.",
                               "Indicator “{node}”: proposal must be true or false."),
    "framework.bad_basis": ("Chỉ số “{node}”: basis phải là một đoạn chữ (văn bản giao nhiệm vụ).",
                            "Indicator “{node}”: basis must be a text (the assigning document)."),
    "framework.needs_basis": (
        "Chỉ số “{node}”: phân công cần căn cứ (basis: văn bản giao nhiệm vụ) hoặc ghi proposal: true (đề xuất).",
        "Indicator “{node}”: the assignment needs a basis (the text that assigns it) or proposal: true."),
    "framework.needs_scoring": ("Chỉ số “{node}”: cần quy tắc chấm điểm (scoring).",
                                "Indicator “{node}”: needs a scoring rule (scoring)."),
    "framework.bad_scoring": ("Chỉ số “{node}”: scoring phải là tên một quy tắc hoặc bảng có khóa rule.",
                              "Indicator “{node}”: scoring must be a rule name or a mapping with a rule key."),
    "framework.unknown_rule": (
        "Chỉ số “{node}”: không có quy tắc chấm điểm “{rule}” (dùng một trong: {expected}).",
        "Indicator “{node}”: there is no scoring rule “{rule}” (use one of: {expected})."),
    "framework.bad_goalposts": ("Chỉ số “{node}”: goalposts cần lo và hi là hai số khác nhau (đang là lo={lo}, hi={hi}).",
                                "Indicator “{node}”: goalposts need numbers lo and hi that differ (now lo={lo}, hi={hi})."),
    "framework.bad_steps": ("Chỉ số “{node}”: bảng bậc cần dạng steps: [[ngưỡng, điểm], ...].",
                            "Indicator “{node}”: a step table needs steps: [[threshold, points], ...]."),
    "framework.step_score_range": ("Chỉ số “{node}”: điểm của một bậc ({score}) nằm ngoài khoảng [0, {top}].",
                                   "Indicator “{node}”: a step's points ({score}) are outside [0, {top}]."),
    "framework.bad_target": ("Chỉ số “{node}”: mục tiêu (target) của ratio_capped phải lớn hơn 0.",
                             "Indicator “{node}”: the ratio_capped target must be above 0."),
    "framework.bad_levels": ("Chỉ số “{node}”: partial cần bảng mức levels {{mức: phần điểm}}.",
                             "Indicator “{node}”: partial needs levels {{level: credit}}."),
    "framework.bad_credit": ("Chỉ số “{node}”: mức {level} phải được từ 0 đến 1 phần điểm.",
                             "Indicator “{node}”: level {level} must earn between 0 and 1 of the points."),
    "framework.unknown_param": (
        "Chỉ số “{node}”: quy tắc chấm điểm “{rule}” không có tham số “{key}” (tham số dùng được: {expected}).",
        "Indicator “{node}”: scoring rule “{rule}” has no parameter “{key}” (parameters it takes: {expected})."),
    "framework.bad_scale": (
        "Chỉ số “{node}”: thang điểm (scale) phải là [thấp, cao], hai số hữu hạn, thấp < cao (đang là {got}).",
        "Indicator “{node}”: scale must be [LO, HI], two finite numbers with LO < HI (now {got})."),
    "framework.bad_zscore": (
        "Chỉ số “{node}”: zscore cần {key} là số hữu hạn (sd phải lớn hơn 0), đang là {got}.",
        "Indicator “{node}”: zscore needs {key} to be a finite number (sd above 0), now {got}."),
    "framework.bad_treatment": (
        "Xử lý ngoại lai (treatment) của “{at}”: {key} không hợp lệ (đang là {got}).",
        "Outlier treatment of “{at}”: invalid {key} (now {got})."),
    "framework.treatment_unknown_key": (
        "Xử lý ngoại lai (treatment) của “{at}”: không có tham số “{key}” (tham số dùng được: {expected}).",
        "Outlier treatment of “{at}”: there is no parameter “{key}” (parameters it takes: {expected})."),
    "framework.treatment_not_allowed": (
        "Chỉ số “{node}”: quy tắc chấm điểm “{rule}” không dùng được xử lý ngoại lai {treatment} "
        "(dùng được: {expected}).",
        "Indicator “{node}”: scoring rule “{rule}” cannot take the outlier treatment {treatment} "
        "(allowed: {expected})."),
    "framework.bad_normalise": ("Nhóm “{node}”: normalise phải là true hoặc false (đang là {got}).",
                                "Group “{node}”: normalise must be true or false (now {got})."),
    "framework.weights_not_one": (
        "Nhóm “{node}”: tổng trọng số của các chỉ số con là {total}, không bằng 1 (nếu trọng số là tỷ lệ "
        "tương đối, ghi normalise: true).",
        "Group “{node}”: the weights of its children sum to {total}, not 1 (if they are relative shares, "
        "write normalise: true)."),
    # --- an internal (points) framework (chiso.engine.points) ---
    "internal.not_internal": ("Bộ chỉ số nội bộ phải có “kind: internal”.",
                              "An internal framework must have “kind: internal”."),
    "internal.bad_rank_by": ("rank_by “{got}” không hợp lệ (dùng một trong: {expected}).",
                             "rank_by “{got}” is invalid (use one of: {expected})."),
    "internal.root_not_group": ("Gốc của bộ chỉ số nội bộ phải là một nhóm chỉ số.",
                                "The root of an internal framework must be a group of indicators."),
    "internal.bad_tiers": ("Danh sách khối (tiers) không hợp lệ: mỗi khối cần một mã riêng.",
                           "Invalid tiers: every tier needs its own code."),
    "internal.bands_not_list": ("Các mức xếp loại (bands) phải là một danh sách.", "Bands must be a list."),
    "internal.bad_band": ("Mỗi mức xếp loại cần mã (code) và ngưỡng min trong [0, 1].",
                          "Every band needs a code and a min threshold in [0, 1]."),
    "internal.bad_light": ("Mức xếp loại “{band}”: màu đèn phải là green, amber, red hoặc grey.",
                           "Band “{band}”: the light must be green, amber, red or grey."),
    "internal.bands_order": ("Các mức xếp loại phải xếp từ cao xuống thấp, ngưỡng không trùng nhau (đang có {minima}).",
                             "Bands must be listed highest first with distinct thresholds (now {minima})."),
    "internal.lowest_band": ("Mức xếp loại thấp nhất phải bắt đầu từ 0.", "The lowest band must start at 0."),
    "internal.needs_max_points": ("Chỉ số “{node}”: cần điểm tối đa (max_points) lớn hơn 0.",
                                  "Indicator “{node}”: needs max points (max_points) above 0."),
    "internal.rule_not_points": (
        "Chỉ số “{node}”: quy tắc chấm điểm “{rule}” không dùng được; dùng threshold, ratio_capped, yes_no, partial "
        "hoặc given.",
        "Indicator “{node}”: scoring rule “{rule}” cannot be used; use threshold, ratio_capped, yes_no, partial or given."),
    "internal.bad_value_kind": (
        "Chỉ số “{node}”: loại giá trị “{kind}” không hợp lệ (count, number, percent, ratio, yes_no, level).",
        "Indicator “{node}”: value kind “{kind}” is invalid (count, number, percent, ratio, yes_no, level)."),
    "internal.ratio_inputs": ("Chỉ số “{node}”: tỷ lệ cần hai đầu vào a và b.",
                              "Indicator “{node}”: a ratio needs two inputs, a and b."),
    "internal.partial_needs_level": ("Chỉ số “{node}”: chấm điểm từng phần cần giá trị loại “level”.",
                                     "Indicator “{node}”: partial credit needs a value of kind “level”."),
    "internal.levels_unnamed": ("Chỉ số “{node}”: các mức {levels} có điểm nhưng chưa có tên.",
                                "Indicator “{node}”: levels {levels} are scored but not named."),
    "internal.yes_no_kind": ("Chỉ số “{node}”: quy tắc có/không cần giá trị loại “yes_no”.",
                             "Indicator “{node}”: a yes/no rule needs a value of kind “yes_no”."),
    "internal.points_differ": ("Chỉ số “{node}”: điểm của bảng bậc ({points}) khác điểm tối đa ({max_points}).",
                               "Indicator “{node}”: the step table's points ({points}) differ from the max points "
                               "({max_points})."),
    "internal.unknown_tiers": ("Chỉ số “{node}”: khối không có trong bộ chỉ số: {tiers}.",
                               "Indicator “{node}”: tiers not in the framework: {tiers}."),
    "internal.bad_evidence_required": ("Chỉ số “{node}”: evidence_required phải là true hoặc false.",
                                       "Indicator “{node}”: evidence_required must be true or false."),
    # --- one value typed into a form (chiso.engine.points.PointsFramework.value) ---
    "not_a_number": ("Giá trị không phải là số.", "The value is not a number."),
    "negative": ("Giá trị không được âm.", "The value cannot be negative."),
    "not_integer": ("Số đếm phải là số nguyên.", "A count must be a whole number."),
    "percent_range": ("Tỷ lệ phần trăm phải từ 0 đến 100.", "A percentage must be between 0 and 100."),
    "out_of_range": ("Giá trị nằm ngoài khoảng cho phép.{range}", "The value is outside the allowed range.{range}"),
    "ratio_inputs": ("Cần nhập cả tử số (a) và mẫu số (b).", "Enter both the numerator (a) and the denominator (b)."),
    "ratio_zero_base": ("Mẫu số (b) phải lớn hơn 0.", "The denominator (b) must be above 0."),
    "ratio_exceeds": ("Tử số (a) không được lớn hơn mẫu số (b).", "The numerator (a) cannot exceed the denominator (b)."),
    "not_yes_no": ("Chọn Có hoặc Không.", "Choose Yes or No."),
    "unknown_level": ("Mức không có trong danh sách.", "The level is not in the list."),
    # --- units (chiso.engine.units) ---
    "unknown_unit": ("Không nhận ra đơn vị “{name}”.{suggest}", "Unit “{name}” not recognised.{suggest}"),
    "unit_not_valid": ("Đơn vị “{name}” không còn hiệu lực vào ngày {date}.",
                       "Unit “{name}” was no longer valid on {date}."),
    "ambiguous_unit": ("Tên “{name}” ứng với nhiều đơn vị; hãy ghi mã tỉnh.",
                       "The name “{name}” matches several units; give the province code."),
    "same_unit": ("Hai dòng cùng một đơn vị.", "Two rows for the same unit."),
    "duplicate_unit": ("Đơn vị bị trùng.", "Duplicate unit."),
    "empty_input": ("Không có đơn vị nào.", "No units."),
    # --- files and tables (chiso.io) ---
    "file_unreadable": ("Tệp không hợp lệ: không phải là tệp Excel (.xlsx) hay CSV đọc được.",
                        "Invalid file: not a readable Excel (.xlsx) or CSV file."),
    "file_not_found": ("Không tìm thấy tệp.", "File not found."),
    "bad_encoding": ('Tệp không đúng mã UTF-8: hãy lưu dưới dạng “CSV UTF-8” hoặc .xlsx.',
                    'The file is not UTF-8: save it as “CSV UTF-8” or as .xlsx.'),
    "bad_file_type": ("Không đọc được tệp: hãy lưu dưới dạng .xlsx hoặc CSV UTF-8.",
                      "Cannot read the file: save it as .xlsx or UTF-8 CSV."),
    "bad_xlsx": ("Tệp không hợp lệ: không đọc được tệp Excel (hỏng, thiếu phần, hoặc không phải .xlsx).",
                 "Invalid file: not a readable Excel workbook."),
    "bad_csv": ('Dòng {row}: không đọc được tệp CSV.',
               'Row {row}: the CSV file cannot be read.'),
    "field_too_large": ('Dòng {row}: có ô dài hơn {limit} ký tự; tệp không phải là bảng số liệu hợp lệ.',
                       'Row {row}: a cell is longer than {limit} characters; the file is not a valid data table.'),
    "file_too_large": ('Tệp quá lớn: khi giải nén được {size_mb} MB, giới hạn là {limit_mb} MB. Hãy chia thành nhiều tệp nhỏ hơn.',
                      'The file is too large: it unpacks to {size_mb} MB and the limit is {limit_mb} MB. Split it into smaller files.'),
    "xlsx_compression": ('Tệp Excel nén bất thường: một phần của tệp giải nén ra gấp {ratio} lần (giới hạn {max_ratio} lần), không giống bảng số liệu thật. Hãy chia thành nhiều tệp nhỏ hơn.',
                        'The Excel file is packed abnormally: a part of it unpacks to {ratio} times its size (limit {max_ratio} times), unlike a real data table. Split it into smaller files.'),
    "too_many_rows": ('Tệp có hơn {max_rows} dòng (giới hạn của một lần nhập). Hãy chia thành nhiều tệp, mỗi tệp tối đa {max_rows} dòng.',
                     'The file has more than {max_rows} rows (the limit of one import). Split it into files of at most {max_rows} rows each.'),
    "too_many_cells": ('Tệp có hơn {max_cells} ô (giới hạn của một lần nhập). Hãy chia thành nhiều tệp nhỏ hơn.',
                      'The file has more than {max_cells} cells (the limit of one import). Split it into smaller files.'),
    "unknown_sheet": ("Không có trang tính này.", "No such sheet."),
    "no_header_sheet": ("Không trang nào có cột “{column}” (đã đọc các trang: {sheets}).",
                        "No sheet has a column “{column}” (sheets read: {sheets})."),
    "empty_file": ("Tệp không có dòng số liệu nào.", "The file has no data rows."),
    "no_unit_column": ("Cột đầu tiên phải là cột đơn vị (tiêu đề “unit” hoặc “tỉnh”).",
                       "The first column must be the unit column (header “unit” or “tỉnh”)."),
    "bad_header": ("Dòng tiêu đề có cột trống hoặc cột trùng tên.", "The header row has an empty or duplicate column name."),
    "empty_header": ("Cột không có tiêu đề.", "A column has no header."),
    "bad_cells": ("Dữ liệu không hợp lệ.", "Invalid data."),
    "not_numeric": ("Giá trị không phải là số.", "The value is not a number."),
    "unknown_code": ("Mã chỉ số không có trong bộ chỉ số.", "Unknown indicator code."),
    "unknown_node": ("Mã chỉ số không tồn tại.", "No such indicator code."),
    "missing_value": ("Thiếu giá trị bắt buộc: {n} ô.", "Required values missing: {n} cells."),
    "impute_no_data": ("Không thể ước tính giá trị thiếu.", "Cannot impute the missing value."),
    "aggregation_nonpositive": ("Phép trung bình nhân/điều hòa cần giá trị dương.",
                                "A geometric or harmonic mean needs positive values."),
    "unknown_header": ("Không nhận ra tiêu đề cột (ghi mã hoặc tên chỉ số của bộ chỉ số).",
                       "Unknown column header (write a code or a name of the framework)."),
    "duplicate_header": ("Hai cột cùng một chỉ số.", "Two columns for the same index."),
    "bad_mapping": ("Cột được gán cho một mã không có trong bộ chỉ số.",
                    "A column mapped to a code the framework does not have."),
    "bad_rank": ("Thứ hạng phải là số nguyên dương.", "A rank must be a positive whole number."),
    "no_value_column": ("Không có cột giá trị, tổng điểm hay thứ hạng nào.", "No column of values, total or rank."),
    "bad_date": ("Ngày không hợp lệ (dùng YYYY-MM-DD).", "Invalid date (use YYYY-MM-DD)."),
    # --- frameworks as files (chiso.frameworks) ---
    "unknown_framework": ("Không có bộ chỉ số này.", "Unknown framework."),
    "framework_not_found": ("Không tìm thấy tệp bộ chỉ số.", "Framework file not found."),
    "framework_invalid": ("Bộ chỉ số không hợp lệ.", "Invalid framework."),
    "missing_policy": ("Cách xử lý giá trị thiếu (missing) không hợp lệ.", "Invalid missing-data policy (missing)."),
    "yaml_syntax": ('Nội dung YAML sai cú pháp ({where}): {problem}',
                   'The YAML is malformed ({where}): {problem}'),
    "yaml_too_deep": ('Nội dung YAML lồng nhau quá {max_depth} cấp (dòng {line}); tệp không phải là bộ chỉ số hợp lệ.',
                     'The YAML is nested deeper than {max_depth} levels (line {line}); it is not a valid framework.'),
    "framework_field": ('Trường “{field}” phải là {expected}, nhưng tệp ghi {got}.',
                       'The field “{field}” must be {expected}, but the file has {got}.'),
    "copy_same_id": ("Bản sao cần một mã (id) mới, khác mã bộ chỉ số gốc.",
                     "The copy needs a new id, different from the source's."),
    "copy_edition": ("Năm của bản sao không hợp lệ.", "Invalid year for the copy."),
    "file_exists": ("Tệp đã tồn tại.", "The file exists."),
    "unknown_tier": ("Không có nhóm đơn vị này trong bộ chỉ số.", "Unknown tier."),
    "points_range": ("Điểm nằm ngoài khoảng từ 0 đến điểm tối đa.", "Points outside 0..max."),
    # --- analyses (chiso.engine.analysis) ---
    "analysis_invalid": ("Yêu cầu phân tích không hợp lệ.", "Invalid analysis request."),
    "target_impossible": ("Không thể đạt thứ hạng mục tiêu trong giới hạn cho phép.",
                          "The target rank cannot be reached within the limits."),
    "target_treated": ("Chỉ số {lever} được xử lý giá trị ngoại lai trên toàn bộ các đơn vị (cắt ngưỡng hoặc lấy "
                       "log), nên khi một đơn vị đổi giá trị thì điểm của mọi đơn vị đều đổi theo cách phi tuyến; "
                       "hãy tìm mục tiêu trên kết quả tính không xử lý ngoại lai, hoặc ghi “treatment: none” cho "
                       "chỉ số này.",
                       "The indicator {lever} is outlier-treated across all units (winsorised or log-transformed), "
                       "so a change of one unit's value moves every unit's score non-linearly; seek the target on a "
                       "computation without the treatment, or with “treatment: none” on this indicator."),
    "target_treatment_triggered": ("Không tìm được kế hoạch đạt thứ hạng {rank}: khi đưa các chỉ số lên giới hạn, "
                                   "việc xử lý giá trị ngoại lai của {lever} được kích hoạt và điểm của mọi đơn vị "
                                   "đổi theo cách phi tuyến; hãy hạ giới hạn của chỉ số này hoặc ghi "
                                   "“treatment: none” cho nó.",
                                   "No plan reaching rank {rank} was found: with the levers at their bounds the "
                                   "outlier treatment of {lever} applies and moves every unit's score "
                                   "non-linearly; lower that indicator's bound or give it “treatment: none”."),
    "invalid_bounds": ("Giới hạn không hợp lệ.", "Invalid bounds."),
    "n_nonpositive": ("Số lần lặp phải lớn hơn 0.", "The number of repetitions must be above 0."),
    "assumption_unused": ("Giả định không được mô hình sử dụng.", "The model does not use this assumption."),
    "assumption_spec": ("Không đọc được phương án “{spec}” của giả định {kind}.",
                        "Cannot read the alternative “{spec}” of the {kind} assumption."),
    "assumption_scale_order": ("Chuẩn hóa “{spec}”: thang đo phải ghi [thấp, cao] với số thấp nhỏ hơn số cao.",
                               "Normalisation “{spec}”: the scale must be written [low, high] with low below high."),
    "assumption_sd": ("Chuẩn hóa “{spec}”: độ lệch chuẩn phải lớn hơn 0.",
                      "Normalisation “{spec}”: the standard deviation must be above 0."),
    # --- shapes, methods and analyses the engine is asked for (callers' mistakes more than users') ---
    "aggregation_domain": ("Phép trung bình nhân/điều hòa cần giá trị dương.",
                           "A geometric or harmonic mean needs positive values."),
    "bad_level": ("Mức không hợp lệ.", "Invalid level."),
    "bad_unit_record": ("Bản ghi đơn vị hành chính không hợp lệ.", "Invalid administrative unit record."),
    "code_clash": ("Hai đơn vị cùng một mã.", "Two units share a code."),
    "goalposts_equal": ("Ngưỡng thấp và ngưỡng cao (goalposts) phải khác nhau.", "The goalposts lo and hi must differ."),
    "impute_method": ("Cách ước tính giá trị thiếu không hợp lệ.", "Invalid imputation method."),
    "incompatible_assumptions": ("Các giả định không dùng được cùng nhau.", "The assumptions cannot be used together."),
    "input_shape": ("Dữ liệu đầu vào không đúng dạng.", "The input has the wrong shape."),
    "invalid_assumption": ("Giả định không hợp lệ.", "Invalid assumption."),
    "invalid_change": ("Thay đổi không hợp lệ.", "Invalid change."),
    "invalid_peers": ("Nhóm so sánh không hợp lệ.", "Invalid peer group."),
    "invalid_target": ("Mục tiêu không hợp lệ.", "Invalid target."),
    "negative_value": ("Giá trị không được âm.", "The value cannot be negative."),
    "shape": ("Dữ liệu đầu vào không đúng kích thước.", "The input has the wrong size."),
    "target_missing": ("Chưa có mục tiêu.", "No target given."),
    "target_nonlinear": ("Mục tiêu này không giải được bằng phép tính tuyến tính.",
                         "This target cannot be solved linearly."),
    "target_nonpositive": ("Mục tiêu phải lớn hơn 0.", "The target must be above 0."),
    "unknown_method": ("Không có phương pháp tổng hợp này.", "Unknown aggregation method."),
    "unknown_rule": ("Không có quy tắc chấm điểm này.", "Unknown scoring rule."),
    "unknown_successor": ("Không có đơn vị kế thừa này.", "Unknown successor unit."),
    "weight_negative": ("Trọng số không được âm.", "A weight cannot be negative."),
    "weights_shape": ("Số trọng số không khớp số chỉ số.", "The number of weights does not match the indicators."),
    # --- the command line's own (chiso.cli) ---
    "output_needed": ("Định dạng xlsx ghi ra một tệp: hãy cho tên tệp bằng --output TỆP.xlsx.",
                      "The xlsx format writes a file: name it with --output FILE.xlsx."),
}

#: The sentence for a code the table does not have (never an exception).
# A code missing from the table (tests/test_problem_messages.py keeps every engine code in it): a plain
# sentence — no internal code in printed text; the JSON error still carries the code in its "code" field.
GENERIC = ("Dữ liệu đầu vào không hợp lệ.", "Invalid input.")


class _Params(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "?"


def active_language() -> str:
    """``"en"`` or ``"vi"``: Django's active language when Django is loaded, else Vietnamese."""
    if "django" in sys.modules:
        from django.utils.translation import get_language

        return "en" if (get_language() or "vi").startswith("en") else "vi"
    return "vi"


def message(problem: Problem | EngineError | str, lang: str | None = None,
            params: Mapping[str, Any] | None = None, *, brief: bool = False) -> str:
    """The sentence for a problem (or an error, or a bare code with ``params``) in ``lang``
    (``None``: :func:`active_language`).  An unknown code gives a plain generic sentence (the code is not printed)."""
    lang = lang or active_language()
    if isinstance(problem, EngineError):
        # an error of one problem names it with that problem's values (the unit's name, the row…)
        only = problem.problems[0] if len(problem.problems) == 1 else None
        code = problem.code
        values = {**(only.params if only else {}), **(only.place() if only else {}), **problem.params}
    elif isinstance(problem, Problem):
        code, values = problem.code, {**problem.params, **problem.place()}
    else:
        code, values = problem, dict(params or {})
    pair = MESSAGES.get(code)
    if pair is None:
        return GENERIC[lang == "en"]
    values = _derived(code, values, lang)
    if brief:  # the command line prints the engine's detail after it, suggestions included
        values["suggest"] = ""
    return _fill(pair[lang == "en"], values)


def headline(error: EngineError | str, lang: str = "vi", params: Mapping[str, Any] | None = None) -> str:
    """The sentence for an error (or a bare code with ``params``) without its final full stop: the
    command line follows it with ``": "`` and the engine's detail."""
    return message(error, lang, params, brief=True).rstrip(".")


def problems_json(err: EngineError, lang: str) -> dict[str, Any]:
    """``{"error": {"code", "message", "problems": [{"code", "message", "file", "row", "column", "node"}]}}``
    for an engine error (a problem's place: only the fields that apply)."""
    return {"error": {
        "code": err.code,
        "message": message(err, lang),
        "problems": [{"code": p.code, "message": message(p, lang), **p.place()} for p in err.problems],
    }}


def _fill(text: str, values: Mapping[str, Any]) -> str:
    return text.format_map(_Params(values))


def _derived(code: str, p: dict[str, Any], lang: str) -> dict[str, Any]:
    """The values some sentences need that the engine does not give as such."""
    if code == "unknown_unit":
        names = ", ".join(str(s) for s in p.get("suggestions") or [] if isinstance(s, str))
        p["suggest"] = (" " + ("Có phải: {names}?" if lang == "vi" else "Did you mean: {names}?").format(names=names)
                        if names else "")
    elif code == "unit_not_valid":
        p["date"] = _vn_iso(p.get("as_of"))
    elif code == "file_too_large":
        p["size_mb"], p["limit_mb"] = _mb(p.get("size"), lang), _mb(p.get("max_bytes"), lang)
    elif code == "no_header_sheet":
        p["sheets"] = ", ".join(str(n) for n in p.get("sheets") or []) or "—"
    elif code in ("bad_csv", "field_too_large", "yaml_too_deep"):
        p["row"], p["line"] = p.get("row") or "?", p.get("line") or "?"
    elif code == "yaml_syntax":
        at = "dòng {line}, cột {column}" if lang == "vi" else "line {line}, column {column}"
        p["where"] = at.format(line=p["line"], column=p.get("column")) if p.get("line") else "?"
        p.setdefault("problem", "")
    elif code == "framework_field":
        p["expected"] = _FIELD_TYPES.get(str(p.get("field")), ("?", "?"))[lang == "en"]
    elif code == "framework.weights_not_one":
        total = p.get("total")
        p["total"] = format_number(total, lang=lang) if isinstance(total, (int, float)) else (total or "?")
    elif code == "missing_value":
        p["n"] = len(p.get("cells") or []) or 1
    elif code == "out_of_range":
        # the range in words, as on the form ("từ 0 trở lên", "from 0 to 100"): chiso.lib.terms.range_text
        words = range_text(p.get("lo"), p.get("hi"), lang=lang)
        p["range"] = " " + ("Khoảng: {r}." if lang == "vi" else "Range: {r}.").format(r=words) if words else ""
    return p


# what a framework's top-level field must be, for "framework_field"
_FIELD_TYPES = {
    "edition": ("một năm (số nguyên, ví dụ 2025)", "a year (a whole number such as 2025)"),
    "name": ("một chuỗi chữ hoặc bảng {vi: …, en: …}", "a text or a mapping {vi: …, en: …}"),
    "id": ("một chuỗi chữ", "a text"),
}


def _mb(n: Any, lang: str) -> str:
    return format_mb(n if isinstance(n, (int, float)) else 0, lang=lang)


def _vn_iso(s: Any) -> str:
    try:
        return dt.date.fromisoformat(s).strftime("%d/%m/%Y") if s else ""
    except (TypeError, ValueError):
        return str(s or "")
