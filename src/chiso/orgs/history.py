"""Audit rows (:class:`~chiso.orgs.models.AuditEntry`) as prose in the reader's language.

The one way a page shows a change history: :func:`lines` turns rows into :class:`Line` — when
(dd/mm/yyyy HH:MM, local time), who (:func:`chiso.orgs.people.person_label`: full name and agency),
what (a sentence for the action code, never the code), the indicator the row is about (its label in
the framework, when the page says how to find it), the change as "old → new" in the reader's number
format with the indicator's unit, and why. An action code not in the table still reads as a sentence
made of its parts ("Sửa kế hoạch"), or as "Cập nhật dữ liệu"; a before/after that is not a value of an
indicator is shown field by field through :data:`FIELDS` (fields it does not name are left out, never
printed raw).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from chiso.lib import frameworks
from chiso.lib.vn_format import format_date, format_number

from .people import name_rows

# Whole sentences for the codes the pages show most.
ACTIONS: dict[str, Any] = {
    "value.change": pgettext_lazy("lịch sử", "Sửa giá trị"),
    "submission.submit": pgettext_lazy("lịch sử", "Gửi biểu mẫu"),
    "submission.approve": pgettext_lazy("lịch sử", "Phê duyệt biểu mẫu"),
    "submission.return": pgettext_lazy("lịch sử", "Trả lại biểu mẫu"),
    "submission.remind": pgettext_lazy("lịch sử", "Nhắc hạn nộp biểu mẫu"),
    "evidence.add": pgettext_lazy("lịch sử", "Thêm tệp minh chứng"),
    "evidence.delete": pgettext_lazy("lịch sử", "Xóa tệp minh chứng"),
    "progress.create": pgettext_lazy("lịch sử", "Lập báo cáo tiến độ"),
    "progress.change": pgettext_lazy("lịch sử", "Sửa báo cáo tiến độ"),
    "progress.submit": pgettext_lazy("lịch sử", "Gửi báo cáo tiến độ"),
    "progress.approve": pgettext_lazy("lịch sử", "Phê duyệt báo cáo tiến độ"),
    "progress.return": pgettext_lazy("lịch sử", "Trả lại báo cáo tiến độ"),
    "progress.evidence.add": pgettext_lazy("lịch sử", "Thêm tệp minh chứng"),
    "progress.evidence.delete": pgettext_lazy("lịch sử", "Xóa tệp minh chứng"),
    "user.password_reset": pgettext_lazy("lịch sử", "Đặt lại mật khẩu"),
    "agency.standing_body": pgettext_lazy("lịch sử", "Đổi cơ quan thường trực"),
}

# The last part of a code: what was done ...
VERBS: dict[str, Any] = {
    "submit": pgettext_lazy("lịch sử", "Gửi"),
    "approve": pgettext_lazy("lịch sử", "Phê duyệt"),
    "return": pgettext_lazy("lịch sử", "Trả lại"),
    "change": pgettext_lazy("lịch sử", "Sửa"),
    "edit": pgettext_lazy("lịch sử", "Sửa"),
    "save": pgettext_lazy("lịch sử", "Lưu"),
    "update": pgettext_lazy("lịch sử", "Sửa"),
    "rename": pgettext_lazy("lịch sử", "Đổi tên"),
    "create": pgettext_lazy("lịch sử", "Tạo"),
    "add": pgettext_lazy("lịch sử", "Thêm"),
    "import": pgettext_lazy("lịch sử", "Nhập từ tệp"),
    "delete": pgettext_lazy("lịch sử", "Xóa"),
    "remove": pgettext_lazy("lịch sử", "Xóa"),
    "discard": pgettext_lazy("lịch sử", "Hủy"),
    "remind": pgettext_lazy("lịch sử", "Nhắc hạn"),
    "dates": pgettext_lazy("lịch sử", "Đổi thời hạn"),
    "end": pgettext_lazy("lịch sử", "Kết thúc"),
    "activate": pgettext_lazy("lịch sử", "Mở lại"),
    "deactivate": pgettext_lazy("lịch sử", "Khóa"),
    "revise": pgettext_lazy("lịch sử", "Điều chỉnh"),
    "issue": pgettext_lazy("lịch sử", "Ban hành"),
    "assign": pgettext_lazy("lịch sử", "Giao"),
    "replace": pgettext_lazy("lịch sử", "Thay thế"),
    "validity": pgettext_lazy("lịch sử", "Đổi thời gian hiệu lực"),
}

# ... and the part before it: to what.
SUBJECTS: dict[str, Any] = {
    "submission": pgettext_lazy("lịch sử", "biểu mẫu"),
    "value": pgettext_lazy("lịch sử", "giá trị"),
    "evidence": pgettext_lazy("lịch sử", "tệp minh chứng"),
    "round": pgettext_lazy("lịch sử", "đợt thu thập"),
    "agency": pgettext_lazy("lịch sử", "cơ quan"),
    "user": pgettext_lazy("lịch sử", "tài khoản"),
    "membership": pgettext_lazy("lịch sử", "vai trò"),
    "unit": pgettext_lazy("lịch sử", "địa bàn"),
    "matrix": pgettext_lazy("lịch sử", "phân công chủ trì, phối hợp"),
    "progress": pgettext_lazy("lịch sử", "báo cáo tiến độ"),
    "program": pgettext_lazy("lịch sử", "chương trình"),
    "task": pgettext_lazy("lịch sử", "nhiệm vụ"),
    "kpi": pgettext_lazy("lịch sử", "chỉ tiêu"),
    "objective": pgettext_lazy("lịch sử", "mục tiêu"),
    "plan": pgettext_lazy("lịch sử", "kế hoạch"),
    "recommendation": pgettext_lazy("lịch sử", "kiến nghị"),
    "assessment_self": pgettext_lazy("lịch sử", "bản tự chấm"),
    "assessment_round": pgettext_lazy("lịch sử", "đợt đánh giá"),
    "assessment_unit": pgettext_lazy("lịch sử", "đơn vị được đánh giá"),
    "assessment_council": pgettext_lazy("lịch sử", "hội đồng thẩm định"),
    "assessment_appraisal": pgettext_lazy("lịch sử", "điểm thẩm định"),
    "assessment_final": pgettext_lazy("lịch sử", "điểm cuối cùng"),
    "assessment_evidence": pgettext_lazy("lịch sử", "tệp minh chứng"),
    "internal_framework": pgettext_lazy("lịch sử", "bộ chỉ số"),
    "template": pgettext_lazy("lịch sử", "mẫu văn bản"),
    "report": pgettext_lazy("lịch sử", "văn bản"),
    "target": pgettext_lazy("lịch sử", "chỉ tiêu"),
    "goalposts": pgettext_lazy("lịch sử", "ngưỡng chuẩn hóa"),
    "table": pgettext_lazy("lịch sử", "bảng kết quả"),
}

GENERIC = pgettext_lazy("lịch sử", "Cập nhật dữ liệu")

# The fields of a before/after that are not an indicator's value, by name; any other is left out.
FIELDS: dict[str, Any] = {
    "name": pgettext_lazy("lịch sử", "Tên"),
    "short_name": pgettext_lazy("lịch sử", "Tên viết tắt"),
    "email": pgettext_lazy("lịch sử", "Thư điện tử"),
    "kind": pgettext_lazy("lịch sử", "Loại"),
    "valid_from": pgettext_lazy("lịch sử", "Hiệu lực từ"),
    "valid_to": pgettext_lazy("lịch sử", "Hiệu lực đến"),
    "successor": pgettext_lazy("lịch sử", "Đơn vị kế tục"),
    "is_standing_body": pgettext_lazy("lịch sử", "Cơ quan thường trực"),
    "username": pgettext_lazy("lịch sử", "Tên đăng nhập"),
    "full_name": pgettext_lazy("lịch sử", "Họ và tên"),
    "is_active": pgettext_lazy("lịch sử", "Đang hoạt động"),
    "memberships": pgettext_lazy("lịch sử", "Vai trò"),
    "title": pgettext_lazy("lịch sử", "Tên đợt"),
    "year": pgettext_lazy("lịch sử", "Năm"),
    "opens_on": pgettext_lazy("lịch sử", "Ngày mở"),
    "due_on": pgettext_lazy("lịch sử", "Hạn nộp"),
    "locks_on": pgettext_lazy("lịch sử", "Ngày khóa"),
    "task_status": pgettext_lazy("lịch sử", "Tình trạng"),
    "percent": pgettext_lazy("lịch sử", "Tỷ lệ hoàn thành (%)"),
}

EMPTY = pgettext_lazy("lịch sử", "(trống)")


def sentence(action: str) -> str:
    """The action code as a sentence in the active language: the table's, else verb + subject made of
    its parts, else the generic sentence. Never the code."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    parts = action.split(".")
    verb = VERBS.get(parts[-1])
    subject = next((SUBJECTS[p] for p in reversed(parts[:-1]) if p in SUBJECTS), None)
    if verb is not None and subject is not None:
        return _("{verb} {subject}").format(verb=verb, subject=subject)
    if verb is not None:
        return _("{verb} dữ liệu").format(verb=verb)
    return str(GENERIC)


def _lang() -> str:
    return (get_language() or "vi")[:2]


def plain(value: Any) -> str:
    """A before/after field's value for a reader: numbers in the reader's format, ISO dates as
    dd/mm/yyyy, yes/no, a list of names joined by commas; a mapping or a nested list (never printed
    raw) is empty."""
    if value is None or value == "":
        return str(EMPTY)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, int | float):
        return format_number(value, lang=_lang())
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return format_date(dt.date.fromisoformat(value))
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(plain(v) for v in value) or str(EMPTY)
    return ""


def value_text(snapshot: Any, node=None) -> str:
    """An indicator's value (the ``{"number", "choice", "comment"}`` an audit row keeps) as the reader
    reads it: the level chosen, Có / Không, or the number in the reader's format; empty → "(trống)"."""
    if not isinstance(snapshot, dict):
        return str(EMPTY)
    number, choice = snapshot.get("number"), snapshot.get("choice") or ""
    if choice:
        return str(choice)
    if number is None:
        return str(EMPTY)
    if node is not None and frameworks.indicator_kind(node) == "yes_no":
        return _("Có") if number else _("Không")
    return format_number(number, lang=_lang())


def value_change(before: Any, after: Any, node=None) -> str:
    """"88,9 → 90 %" (the unit once, at the end) and, when the note changed, "Ghi chú: … → …"."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    parts = []
    old, new = value_text(before, node), value_text(after, node)
    if (before.get("number"), before.get("choice") or "") != (after.get("number"), after.get("choice") or ""):
        unit = getattr(node, "unit", "") if new != str(EMPTY) else ""
        parts.append(f"{old} → {new}" + (f" {unit}" if unit else ""))
    if (before.get("comment") or "") != (after.get("comment") or ""):
        parts.append(_("Ghi chú: {old} → {new}").format(
            old=before.get("comment") or EMPTY, new=after.get("comment") or EMPTY))
    return "; ".join(parts)


def field_changes(
    before: Any,
    after: Any,
    shown: Callable[[str, Any], str | None] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> list[str]:
    """``["Tên: A → B", …]`` for the named fields (``fields``, by default :data:`FIELDS`) that differ;
    ``shown(field, value)`` may name a value (a successor's id by its name); a value that is a list or
    mapping, unnamed, is left out."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    fields = FIELDS if fields is None else fields
    out = []
    for key in fields:
        if key not in before and key not in after or before.get(key) == after.get(key):
            continue
        old, new = (
            (shown(key, v) if shown is not None else None) or plain(v) for v in (before.get(key), after.get(key))
        )
        if old or new:
            out.append(f"{fields[key]}: {old or EMPTY} → {new or EMPTY}")
    return out


@dataclass
class Line:
    """One audit row for a reader. ``what`` is a sentence, ``indicator`` the indicator's label (or "")."""

    time: dt.datetime
    who: str
    what: str
    indicator: str = ""
    changes: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def when(self) -> str:
        return timezone.localtime(self.time).strftime("%d/%m/%Y %H:%M")

    @property
    def change(self) -> str:
        return "; ".join(self.changes)

    @property
    def text(self) -> str:
        """The whole row as one sentence: "Sửa giá trị “Tỷ lệ …”: 88,9 → 90 %. Lý do: …"."""
        out = self.what + (f" “{self.indicator}”" if self.indicator else "")
        if self.changes:
            out += ": " + self.change
        out += "."
        if self.reason:
            out += " " + _("Lý do: {reason}").format(reason=self.reason)
        return out


def _code_in(entry) -> str | None:
    for d in (entry.after, entry.before):
        if isinstance(d, dict) and isinstance(d.get("code"), str):
            return d["code"]
    return None


def lines(
    entries: Iterable,
    *,
    node_of: Callable[[str], Any] | None = None,
    code_of: Callable[[Any], str | None] | None = None,
    shown: Callable[[str, Any], str | None] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> list[Line]:
    """``entries`` (audit rows) as :class:`Line`; names the people in two queries whatever the number.

    ``code_of(entry)`` says which indicator a row is about (default: a ``"code"`` in its before/after);
    ``node_of(code)`` gives the indicator's node (its label, unit and kind; ``None``: unknown, then
    no indicator is printed). ``shown`` names a field's value and ``fields`` the fields shown, by label
    (see :func:`field_changes`).
    """
    entries = name_rows(entries)
    lang = _lang()
    out = []
    for e in entries:
        code = (code_of(e) if code_of is not None else None) or _code_in(e)
        node = None
        if code and node_of is not None:
            node = node_of(code)
        if e.action.endswith("value.change"):
            change = value_change(e.before, e.after, node)
            changes = [change] if change else []
        elif e.action.endswith(("evidence.add", "evidence.delete")):
            file = next((d.get("name") for d in (e.after, e.before) if isinstance(d, dict) and d.get("name")), "")
            changes = [f"“{file}”"] if isinstance(file, str) and file else []
        else:
            changes = field_changes(e.before, e.after, shown, fields)
        out.append(Line(
            time=e.time, who=e.who, what=sentence(e.action),
            indicator=node.label(lang) if node is not None else "", changes=changes, reason=e.reason,
        ))
    return out


__all__ = ["ACTIONS", "FIELDS", "Line", "lines", "plain", "sentence", "value_change", "value_text"]
