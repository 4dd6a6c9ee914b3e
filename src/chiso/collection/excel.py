"""Excel template of an agency's form, and import of a filled template (preview, dry-run,
errors by row and column, all-or-nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.engine.errors import InputError
from chiso.lib import frameworks, imports
from chiso.lib.xlsx import DEMO_NOTE, UncachedFormula, read_rows, workbook_bytes

from . import services
from .models import Submission

COLUMNS = ["Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Tối thiểu", "Tối đa", "Giá trị", "Ghi chú"]
WIDTHS = [24, 60, 14, 12, 12, 14, 40]
SHEET = "Biểu mẫu"  # the template's first sheet; the import reads the first sheet with a code column
CODE_HEADERS = {"mã chỉ số", "ma chi so", "code", "mã"}
CODE_LABEL, VALUE_LABEL, COMMENT_LABEL = "Mã chỉ số", "Giá trị", "Ghi chú"
VALUE_HEADERS = {"giá trị", "gia tri", "value"}
COMMENT_HEADERS = {"ghi chú", "ghi chu", "comment"}


def template_bytes(sub: Submission) -> bytes:
    """The agency's form as a workbook: one row per indicator (its code, which the import matches,
    its name and unit, the range, the current value and comment), the header frozen; a second sheet
    says how to fill it. A form of demonstration data says so on every sheet."""
    fw = frameworks.get_framework(sub.round.framework_id)
    values = {v.code: v for v in sub.values.all()}
    rows = []
    for _group, nodes in services.form_indicators(fw, sub.agency_id):
        for node in nodes:
            v = values.get(node.code)
            lo, hi = node.value_range
            rows.append([
                node.code, node.label("vi"), node.unit, lo, hi,
                (v.choice or v.number) if v is not None and not v.is_empty else None,
                v.comment if v is not None else None,
            ])
    notes = [
        f"Biểu mẫu: {sub.agency.name} — {sub.round.title}",
        "Chỉ điền cột “Giá trị” (và “Ghi chú” nếu cần). Không sửa cột “Mã chỉ số”: "
        "đó là mã để hệ thống nhận ra từng chỉ số khi nhập tệp.",
        "Số thập phân dùng dấu phẩy hoặc dấu chấm. Chỉ số Có/Không: ghi 1 (Có) hoặc 0 (Không).",
        "Ô “Giá trị” để trống: giữ nguyên giá trị đã có.",
    ]
    return workbook_bytes(SHEET, COLUMNS, rows, widths=WIDTHS, notes=notes,
                          demo_note=DEMO_NOTE if sub.round.is_demo else "")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Preview(imports.ListsErrors):
    changes: list[services.Change] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def changed(self) -> list[dict]:
        """The lines whose value or comment differs from what is saved: what the import changes."""
        return [line for line in self.lines if line["changed"]]

    @property
    def unchanged(self) -> list[dict]:
        """The lines that repeat what is saved: written as they are, they change nothing."""
        return [line for line in self.lines if not line["changed"]]

    def seen(self) -> dict[str, dict]:
        """What the preview showed of each value it would write: the version and the text, kept
        until the confirmation so that a value saved by someone else in between is not overwritten."""
        return {line["code"]: {"version": line["version"], "old": line["old"]} for line in self.lines}


def parse(sub: Submission, data: bytes) -> Preview:
    """Check a filled template against the submission's form; write nothing."""
    out = Preview()
    try:
        header, rows, sheet = read_rows(data, header_names=(CODE_LABEL, *sorted(CODE_HEADERS)), uncached=True,
                                        **imports.xlsx_limits())
    except InputError as e:
        out.errors.append(RowError(e.params.get("row") or 0, "", imports.file_error_message(e)))
        return out
    col = {}
    for i, h in enumerate(header):
        for key, names in (("code", CODE_HEADERS), ("value", VALUE_HEADERS), ("comment", COMMENT_HEADERS)):
            if h in names and key not in col:
                col[key] = i
    for key, label in (("code", CODE_LABEL), ("value", VALUE_LABEL)):
        if key not in col:
            out.errors.append(RowError(1, label, _("Trang “{sheet}” thiếu cột “{label}”.").format(sheet=sheet, label=label)))
    if out.errors:
        return out
    fw = frameworks.get_framework(sub.round.framework_id)
    allowed = set(services.indicator_codes(fw, sub.agency_id))
    current = {v.code: v for v in sub.values.all()}
    seen: dict[str, int] = {}

    def cell(cells, key):
        i = col.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    labels = {"code": CODE_LABEL, "value": VALUE_LABEL, "comment": COMMENT_LABEL}
    for n, cells in rows:
        uncached = [(key, c) for key in labels if isinstance(c := cell(cells, key), UncachedFormula)]
        for key, c in uncached:  # its value is unknown, not empty: say so rather than skip the cell
            out.errors.append(RowError(n, labels[key], _(
                "Trang “{sheet}”, ô {cell}: ô chứa công thức chưa có giá trị tính sẵn — mở tệp trong Excel, "
                "lưu lại rồi tải lên.").format(sheet=sheet, cell=c.cell)))
        if uncached:
            continue
        code = str(cell(cells, "code") or "").strip()
        raw = cell(cells, "value")
        comment = cell(cells, "comment")
        if not code:
            out.errors.append(RowError(n, CODE_LABEL, _("Thiếu mã chỉ số.")))
            continue
        if code not in allowed:
            out.errors.append(RowError(n, CODE_LABEL, _("Mã “{code}” không thuộc biểu mẫu này.").format(code=code)))
            continue
        if code in seen:
            out.errors.append(
                RowError(n, CODE_LABEL, _("Mã “{code}” lặp lại (đã có ở dòng {row}).").format(code=code, row=seen[code]))
            )
            continue
        seen[code] = n
        if raw is None or str(raw).strip() == "":
            continue
        node = fw.node(code)
        try:
            number, choice = services.clean_value(node, raw)
        except ValueError as e:
            out.errors.append(RowError(n, VALUE_LABEL, str(e)))
            continue
        old = current.get(code)
        comment_text = None if comment is None else str(comment)
        ch = services.Change(code=code, raw=raw, comment=comment_text)
        out.changes.append(ch)
        new_value = choice or number
        old_text = services.display_value(old, node)
        out.lines.append({
            "row": n, "code": code, "name": node.label("vi"), "old": old_text,
            "new": services.display_value(_Tmp(number, choice), node),
            "changed": old is None or (old.number, old.choice) != (number, choice)
            or (comment_text is not None and comment_text.strip() != old.comment),
            "value": new_value,
            "version": old.version if old is not None else 0,
        })
    return out


class _Tmp:
    def __init__(self, number, choice):
        self.number, self.choice = number, choice

    @property
    def is_empty(self):
        return self.number is None and not self.choice
