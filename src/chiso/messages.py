"""Vietnamese (and English) headlines for engine error codes, for the command line.

The engine's messages are English and stable (tests assert them); the command
line prints a Vietnamese headline for the error code first, then the detail
that names the file, row, column or node.  The web layer has its own gettext
catalogue for the same codes.
"""

from __future__ import annotations

VI = {
    "file_not_found": "Không tìm thấy tệp",
    "bad_encoding": "Tệp không đúng mã UTF-8",
    "bad_file_type": "Loại tệp không được hỗ trợ (dùng .csv hoặc .xlsx)",
    "bad_xlsx": "Tệp không hợp lệ: không đọc được tệp Excel (hỏng, thiếu phần, hoặc không phải .xlsx)",
    "bad_csv": "Tệp không hợp lệ: không đọc được tệp CSV",
    "field_too_large": "Tệp không hợp lệ: dòng {row} có ô dài hơn {limit} ký tự",
    "file_too_large": "Tệp quá lớn ({size} byte, giới hạn {max_bytes} byte khi giải nén); hãy chia thành nhiều tệp nhỏ hơn",
    "xlsx_compression": "Tệp Excel nén bất thường (một phần gấp {ratio} lần khi giải nén, giới hạn {max_ratio} lần); "
                        "hãy chia thành nhiều tệp nhỏ hơn",
    "too_many_rows": "Tệp có hơn {max_rows} dòng; hãy chia thành nhiều tệp, mỗi tệp tối đa {max_rows} dòng",
    "too_many_cells": "Tệp có hơn {max_cells} ô; hãy chia thành nhiều tệp nhỏ hơn",
    "unknown_sheet": "Không có trang tính này",
    "empty_file": "Tệp rỗng",
    "empty_input": "Không có đơn vị nào",
    "no_unit_column": "Thiếu cột đơn vị (tiêu đề 'unit', 'Tỉnh, thành phố', 'Địa phương'…)",
    "bad_header": "Dòng tiêu đề không hợp lệ",
    "bad_cells": "Dữ liệu không hợp lệ",
    "not_numeric": "Giá trị không phải là số",
    "duplicate_unit": "Đơn vị bị trùng",
    "unknown_unit": "Không nhận ra đơn vị",
    "unknown_code": "Mã chỉ số không có trong bộ chỉ số",
    "unknown_node": "Mã chỉ số không tồn tại",
    "out_of_range": "Giá trị nằm ngoài khoảng cho phép",
    "missing_value": "Thiếu giá trị bắt buộc",
    "impute_no_data": "Không thể ước tính giá trị thiếu",
    "aggregation_nonpositive": "Phép trung bình nhân/điều hòa cần giá trị dương",
    "unknown_framework": "Không có bộ chỉ số này",
    "framework_not_found": "Không tìm thấy tệp bộ chỉ số",
    "framework_invalid": "Bộ chỉ số không hợp lệ",
    "yaml_syntax": "Tệp YAML sai cú pháp",
    "yaml_too_deep": "Tệp YAML lồng nhau quá {max_depth} cấp",
    "framework_field": "Trường '{field}' của bộ chỉ số có kiểu không hợp lệ",
    "bad_date": "Ngày không hợp lệ (dùng YYYY-MM-DD)",
    "analysis_invalid": "Yêu cầu phân tích không hợp lệ",
    "target_impossible": "Không thể đạt thứ hạng mục tiêu trong giới hạn cho phép",
    "invalid_bounds": "Giới hạn không hợp lệ",
    "n_nonpositive": "Số lần lặp phải lớn hơn 0",
    "assumption_unused": "Giả định không được mô hình sử dụng",
    "copy_same_id": "Bản sao cần một mã (id) mới, khác mã bộ chỉ số gốc",
    "copy_edition": "Năm của bản sao không hợp lệ",
    "file_exists": "Tệp đã tồn tại",
    "unknown_tier": "Không có nhóm đơn vị này trong bộ chỉ số",
    "not_a_number": "Giá trị không phải là số",
    "negative": "Giá trị không được âm",
    "not_integer": "Số lượng phải là số nguyên",
    "percent_range": "Tỷ lệ phần trăm phải trong khoảng 0–100",
    "ratio_inputs": "Tỷ lệ cần hai số a và b",
    "ratio_zero_base": "Mẫu số b phải lớn hơn 0",
    "ratio_exceeds": "Tử số a không được lớn hơn mẫu số b",
    "not_yes_no": "Chỉ nhận Có hoặc Không",
    "unknown_level": "Mức không có trong danh sách",
    "points_range": "Điểm nằm ngoài khoảng từ 0 đến điểm tối đa",
    "unknown_header": "Không nhận ra tiêu đề cột (ghi mã hoặc tên chỉ số của bộ chỉ số)",
    "duplicate_header": "Hai cột cùng một chỉ số",
    "bad_mapping": "Cột được gán cho một mã không có trong bộ chỉ số",
    "bad_rank": "Thứ hạng phải là số nguyên dương",
    "no_value_column": "Không có cột giá trị, tổng điểm hay thứ hạng nào",
    "unit_not_valid": "Đơn vị không còn hiệu lực vào ngày của bảng",
    "same_unit": "Hai dòng cùng một đơn vị",
    "ambiguous_unit": "Tên ứng với nhiều đơn vị",
}

EN = {
    "file_not_found": "File not found",
    "bad_encoding": "The file is not UTF-8",
    "bad_xlsx": "Invalid file: not a readable Excel workbook",
    "file_too_large": "File too large (limit {max_bytes} bytes unpacked); split it into smaller files",
    "too_many_rows": "More than {max_rows} rows; split the file into parts of at most {max_rows} rows",
    "bad_cells": "Invalid data",
    "unknown_unit": "Unknown unit",
    "unknown_code": "Unknown indicator code",
    "out_of_range": "Value out of range",
    "missing_value": "Missing required value",
    "unknown_framework": "Unknown framework",
    "framework_invalid": "Invalid framework",
    "copy_same_id": "The copy needs a new id, different from the source's",
    "copy_edition": "Invalid year for the copy",
    "file_exists": "The file exists",
    "unknown_tier": "Unknown tier",
    "points_range": "Points outside 0..max",
    "unknown_header": "Unknown column header (write a code or a name of the framework)",
    "duplicate_header": "Two columns for the same index",
    "bad_mapping": "A column mapped to a code the framework does not have",
    "bad_rank": "A rank must be a positive whole number",
    "no_value_column": "No column of values, total or rank",
    "unit_not_valid": "The unit is not in force on the table's date",
    "same_unit": "Two rows for the same unit",
    "ambiguous_unit": "The name matches several units",
    "no_unit_column": "No unit column",
    "bad_header": "Invalid header row",
    "empty_file": "Empty file",
    "duplicate_unit": "Duplicate unit",
}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def headline(code: str, lang: str = "vi", params: dict | None = None) -> str:
    """A short sentence for an error code in ``lang`` (falls back to a generic sentence);
    ``{name}`` fields are filled from the error's ``params`` (a cap, a row, a field)."""
    table = VI if lang == "vi" else EN
    text = table.get(code) or ("Dữ liệu đầu vào không hợp lệ" if lang == "vi" else "Invalid input")
    return text.format_map(_Params(params or {}))
