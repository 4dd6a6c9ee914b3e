"""An action program as one file: import and export, as YAML or as an .xlsx workbook.

The file holds the decision (number, date, issuer, signer, legal grounds, source), the period, the
framework, the standing body, the objectives and their targets, the tasks with their lead and
supporting agencies, deadlines, recurrence, components and KPIs, the duties as published, the
recurring obligations, and (YAML only) a labelled ``demo:`` part. The workbook has the same content,
one sheet per part (:data:`SHEETS`). ``docs/program.md`` describes the format.

Agencies are written as their code (``orgs.Agency.code``), ``@group`` (a list under ``groups:``) or
``type:SKHCN`` — the agencies of that type (``chiso.reference`` agency types) in force on the
program's start date in the province of the file's ``province:`` (else of the standing body in
force that day, :func:`chiso.orgs.issuers.standing_body`); ``type:UBND_XA`` is every commune.

:func:`read` parses a file into :class:`Row` tables, :func:`check` validates them against the
database and returns a :class:`Plan` or every problem found (:class:`Problem`: part, row, field,
sentence), and :func:`import_program` writes a plan in one transaction — or raises
:class:`FileRefused` with the whole list and writes nothing. :func:`export_yaml` and
:func:`export_xlsx` write a program back; importing the export into a database with the same
agencies gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso import reference
from chiso.engine.errors import EngineError
from chiso.frameworks import load_yaml
from chiso.lib import frameworks, imports, xlsx
from chiso.lib.refusal import Refused
from chiso.lib.vn_format import format_date, parse_date, parse_number
from chiso.orgs import audit, issuers
from chiso.orgs.models import Agency

from .models import (
    AgencyPlan,
    Duty,
    Kpi,
    Objective,
    Obligation,
    Occurrence,
    Program,
    ProgressEvidence,
    ProgressReport,
    Recommendation,
    Recurrence,
    Task,
)

FORMAT = "chiso-program/1"
DEMO = "DỮ LIỆU MINH HỌA"
MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_TEXT = 20_000  # a long text field (a task's text, legal grounds)
MAX_NUMBER = 1e12
MAX_LIST = 1000  # agencies or components in one cell (a province has a few hundred agencies)


# --- the format ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str  # the YAML key and the column a workbook may also use
    label: str  # the workbook's column header (Vietnamese, fixed: a file reads the same in any language)
    kind: str = "text"  # text, long, slug, date, int, float, choice, bool, agency, agencies, codes
    required: bool = False
    max_len: int = 0
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()


RECURRENCES = tuple(Recurrence.values)
PROGRAM_FIELDS = (
    Field("code", "Mã chương trình", "slug", True, 60),
    Field("title", "Tên chương trình", "text", True, 400),
    Field("decision_number", "Số quyết định", "text", True, 60),
    Field("header_number", "Số ở phần đầu văn bản", "text", False, 60),
    Field("number_note", "Ghi chú về số hiệu", "text", False, 300),
    Field("decision_date", "Ngày ban hành", "date", True),
    Field("issuer", "Cơ quan ban hành", "text", True, 200),
    Field("signer", "Người ký", "text", True, 120),
    Field("signer_title", "Chức vụ người ký", "text", True, 200),
    Field("legal_grounds", "Căn cứ ban hành", "long"),
    Field("starts_on", "Bắt đầu", "date", True),
    Field("ends_on", "Kết thúc", "date", True),
    Field("framework_id", "Bộ chỉ số", "text", True, 80),
    Field("standing_body", "Cơ quan thường trực", "agency", True),
    Field("province", "Tỉnh (để tra loại cơ quan)", "text", False, 100),
    Field("progress_due_days", "Hạn báo cáo tiến độ (ngày sau cuối quý)", "int", False, lo=0, hi=365),
    Field("is_public", "Công khai", "bool"),
    Field("source", "Nguồn", "long"),
)
OBJECTIVE_FIELDS = (
    Field("id", "Mã mục tiêu", "text", False, 40),
    Field("kind", "Loại", "choice", True, choices=("general", "specific")),
    Field("order", "Thứ tự", "int", False, lo=0, hi=32767),
    Field("text", "Nội dung", "long", True),
    Field("framework_id", "Bộ chỉ số", "text", False, 80),
    Field("target_rank", "Thứ hạng mục tiêu", "int", False, lo=1, hi=100),
    Field("target_year", "Năm đạt mục tiêu", "int"),
    Field("section", "Mục trong văn bản", "text", False, 20),
)
TASK_FIELDS = (
    Field("number", "Số thứ tự", "int", False, lo=1, hi=32767),
    Field("title", "Tên ngắn", "text", True, 200),
    Field("text", "Nội dung", "long", True),
    Field("section", "Mục trong văn bản", "text", False, 20),
    Field("objective", "Mục tiêu", "text", False, 40),
    Field("lead", "Chủ trì", "agency", True),
    Field("supporting", "Phối hợp", "agencies"),
    Field("basis", "Căn cứ phân công", "text", False, 300),
    Field("deadline", "Thời hạn", "date"),
    Field("recurrence", "Tính chất", "choice", False, choices=RECURRENCES),
    Field("components", "Chỉ số thành phần", "codes"),
)
KPI_FIELDS = (
    Field("task", "Nhiệm vụ số", "int", True, lo=1, hi=32767),
    Field("order", "Thứ tự", "int", False, lo=0, hi=32767),
    Field("name", "Tên chỉ tiêu", "text", True, 300),
    Field("unit", "Đơn vị", "text", False, 40),
    Field("baseline", "Giá trị gốc", "float"),
    Field("baseline_year", "Năm gốc", "int", False, lo=1990, hi=2100),
    Field("target", "Chỉ tiêu", "float"),
    Field("target_basis", "Căn cứ chỉ tiêu", "text", False, 300),
    Field("direction", "Chiều", "choice", False, choices=("up", "down")),
    Field("due", "Hạn đạt", "date"),
    Field("source", "Nguồn số liệu", "choice", True, choices=tuple(Kpi.Source.values)),
    Field("framework_id", "Bộ chỉ số", "text", False, 80),
    Field("indicator", "Mã chỉ số", "text", False, 80),
    Field("source_agency", "Cơ quan cung cấp số liệu", "agency"),
)
DUTY_FIELDS = (
    Field("section", "Mục", "text", True, 10),
    Field("order", "Thứ tự", "int", False, lo=0, hi=32767),
    Field("addressee", "Đối tượng như văn bản", "text", True, 200),
    Field("agencies", "Cơ quan", "agencies", True),
    Field("text", "Nội dung", "long", True),
)
OBLIGATION_FIELDS = (
    Field("title", "Nghĩa vụ", "text", True, 300),
    Field("section", "Mục", "text", False, 20),
    Field("agency", "Cơ quan thực hiện", "agency", True),
    Field("recurrence", "Định kỳ", "choice", True, choices=RECURRENCES),
    Field("due_offset_days", "Hạn (số ngày sau cuối kỳ / sau công bố)", "int", False, lo=-366, hi=366),
    Field("schedule_note", "Ghi chú lịch", "text", False, 300),
)
GROUP_FIELDS = (
    Field("name", "Tên nhóm", "text", True, 60),
    Field("agencies", "Cơ quan", "agencies", True),
)
# part -> (sheet title, fields); the workbook's sheets in this order
SHEETS = {
    "program": ("Chương trình", PROGRAM_FIELDS),
    "objectives": ("Mục tiêu", OBJECTIVE_FIELDS),
    "tasks": ("Nhiệm vụ", TASK_FIELDS),
    "kpis": ("Chỉ tiêu (KPI)", KPI_FIELDS),
    "duties": ("Phân công - Trách nhiệm", DUTY_FIELDS),
    "obligations": ("Nghĩa vụ định kỳ", OBLIGATION_FIELDS),
    "groups": ("Nhóm cơ quan", GROUP_FIELDS),
}
TOP_KEYS = {"format", "program", "standing_body", "province", "groups", "objectives", "tasks", "duties",
            "obligations", "demo"}  # fmt: skip
# How the workbook writes a choice (a reader sees words, not codes); the import reads these words
# back (CHOICE_ALIASES), as it reads the recurrences' labels.
CHOICE_WORDS = {
    "kind": {"general": "chung", "specific": "cụ thể"},
    "direction": {"up": "tăng", "down": "giảm"},
    "source": {"indicator": "chỉ số trong chiso", "reported": "cơ quan báo cáo"},
}
CHOICE_ALIASES = {
    "direction": {"1": "up", "-1": "down"},
}
for _key, _words in CHOICE_WORDS.items():
    CHOICE_ALIASES.setdefault(_key, {}).update({w: v for v, w in _words.items()})
# The workbook's columns of names beside the columns of codes the import reads ((part, field key) ->
# header); the import skips them.
NAME_COLUMNS = {
    ("program", "framework_id"): "Tên bộ chỉ số",
    ("program", "standing_body"): "Tên cơ quan thường trực",
    ("objectives", "framework_id"): "Tên bộ chỉ số",
    ("tasks", "lead"): "Tên cơ quan chủ trì",
    ("tasks", "supporting"): "Tên cơ quan phối hợp",
    ("tasks", "components"): "Tên chỉ số thành phần",
    ("kpis", "framework_id"): "Tên bộ chỉ số",
    ("kpis", "indicator"): "Tên chỉ số",
    ("kpis", "source_agency"): "Tên cơ quan cung cấp số liệu",
    ("duties", "agencies"): "Tên cơ quan",
    ("obligations", "agency"): "Tên cơ quan thực hiện",
}
_NAME_HEADERS = {h.lower() for h in NAME_COLUMNS.values()}


def _part_name(part: str) -> str:
    return SHEETS[part][0] if part in SHEETS else {"demo": "demo", "file": ""}.get(part, part)


@dataclass
class Row:
    """One record of a part: a workbook row, or an item of a YAML list (``n`` 1-based)."""

    part: str
    n: int
    values: dict[str, Any]
    in_xlsx: bool = False
    line: int | None = None  # the YAML line of the item
    lines: dict[str, int] = field(default_factory=dict)  # the YAML line of each key
    of_task: int | None = None  # a YAML KPI: the position of its task in `tasks`
    labels: dict[str, str] = field(default_factory=dict)  # the workbook's header of each key


@dataclass
class Problem:
    """One thing wrong with the file: where (part, row, field) and what, as a sentence."""

    part: str
    row: int | None
    field: str
    message: str
    in_xlsx: bool = False
    line: int | None = None
    task: int | None = None  # a KPI written under a task (YAML): that task's position

    def where(self) -> str:
        name = _part_name(self.part)
        if self.part == "file":
            return ""
        if self.in_xlsx:
            where = _("Trang “{sheet}”").format(sheet=name)
            if self.row:
                where += ", " + _("dòng {row}").format(row=self.row)
            if self.field:
                where += ", " + _("cột “{col}”").format(col=self.field)
            return where
        where = name
        if self.task and self.part == "kpis":
            where = _("Nhiệm vụ thứ {t}, chỉ tiêu thứ {n}").format(t=self.task, n=self.row)
        elif self.row and self.part != "program":
            where += " " + _("thứ {n}").format(n=self.row)
        if self.field:
            where += ", " + _("trường “{key}”").format(key=self.field)
        if self.line:
            where += " " + _("(dòng {line} của tệp)").format(line=self.line)
        return where

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class FileRefused(Refused):
    """The file was refused: ``problems`` lists every problem found; nothing was written."""

    def __init__(self, problems: list[Problem]):
        listed = imports.error_list(problems)
        msg = _("Tệp có {n} lỗi; chưa ghi gì vào cơ sở dữ liệu.").format(n=len(problems))
        super().__init__(msg, errors={"file": msg})
        self.problems = problems
        self.listed = listed


# --- reading -------------------------------------------------------------------------------------------


def is_xlsx(data: bytes, name: str = "") -> bool:
    return data[:2] == b"PK" or name.lower().endswith(".xlsx")


def read(data: bytes, name: str = "") -> tuple[dict[str, list[Row]], dict, list[Problem]]:
    """The file's tables (part -> rows), its ``demo:`` part and the problems of its shape."""
    try:
        if is_xlsx(data, name):
            return _read_xlsx(data, name)
        return _read_yaml(data, name)
    except EngineError as e:
        return {}, {}, [Problem("file", None, "", imports.file_error_message(e))]


def _line_map(text: str) -> dict[tuple, int]:
    """(key path) -> 1-based line of each node of a YAML text (already checked by ``load_yaml``)."""
    out: dict[tuple, int] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    stack = [((), root)]
    seen = set()
    while stack:
        path, node = stack.pop()
        if node is None or len(path) > 8:
            continue
        out.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(((*path, str(k.value)), v))
                out.setdefault((*path, str(k.value)), k.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                stack.append(((*path, i), v))
    return out


def _read_yaml(data: bytes, name: str):
    problems: list[Problem] = []
    if len(data) > MAX_YAML_BYTES:
        return {}, {}, [Problem("file", None, "", imports.too_large_message(len(data), MAX_YAML_BYTES))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, {}, [Problem("file", None, "", _("Tệp không đúng mã UTF-8."))]
    doc = load_yaml(text, file=name)  # safe, depth-capped; raises FrameworkError with a code
    lines = _line_map(text)
    if not isinstance(doc, dict):
        return {}, {}, [Problem("file", None, "", _("Tệp không phải là một chương trình: thiếu phần “program”."))]
    for key in doc:
        if key not in TOP_KEYS:
            problems.append(Problem("file", None, "", _("Phần “{key}” không có trong định dạng (dòng {line}).").format(
                key=key, line=lines.get((str(key),), "?"))))
    fmt = doc.get("format")
    if fmt not in (None, FORMAT):
        problems.append(Problem("file", None, "", _("Định dạng “{got}” không được hỗ trợ (cần “{want}”).").format(
            got=fmt, want=FORMAT)))
    tables: dict[str, list[Row]] = {p: [] for p in SHEETS}

    prog = doc.get("program")
    if not isinstance(prog, dict):
        problems.append(Problem("program", None, "", _("Thiếu phần “program” (thông tin quyết định).")))
        prog = {}
    values = dict(prog)
    row_lines = {k: lines.get(("program", str(k))) for k in prog}
    for key in ("standing_body", "province"):
        if key in doc:
            if key in values:
                problems.append(Problem("program", None, key, _("ghi hai lần (trong và ngoài “program”).")))
            values[key] = doc[key]
            row_lines[key] = lines.get((key,))
    tables["program"].append(Row("program", 1, values, line=lines.get(("program",)), lines=row_lines))

    def items(part: str) -> list:
        got = doc.get(part)
        if got is None:
            return []
        if not isinstance(got, list):
            problems.append(Problem(part, None, "", _("phải là một danh sách.")))
            return []
        return got

    def item_row(part: str, i: int, item, path: tuple) -> Row | None:
        if not isinstance(item, dict):
            problems.append(Problem(part, i, "", _("phải là một bảng khóa: giá trị."), line=lines.get(path)))
            return None
        return Row(part, i, dict(item), line=lines.get(path),
                   lines={str(k): lines.get((*path, str(k))) for k in item})  # fmt: skip

    for i, item in enumerate(items("objectives"), start=1):
        if (r := item_row("objectives", i, item, ("objectives", i - 1))) is not None:
            tables["objectives"].append(r)
    for i, item in enumerate(items("tasks"), start=1):
        r = item_row("tasks", i, item, ("tasks", i - 1))
        if r is None:
            continue
        kpis = r.values.pop("kpis", None) or []
        tables["tasks"].append(r)
        position = len(tables["tasks"])
        if not isinstance(kpis, list):
            problems.append(Problem("tasks", i, "kpis", _("phải là một danh sách."), line=r.lines.get("kpis")))
            continue
        for j, k in enumerate(kpis, start=1):
            kr = item_row("kpis", j, k, ("tasks", i - 1, "kpis", j - 1))
            if kr is None:
                continue
            if "task" in kr.values:
                problems.append(Problem("kpis", j, "task", _("không ghi “task” cho chỉ tiêu nằm trong nhiệm vụ."),
                                        line=kr.line, task=position))  # fmt: skip
            kr.of_task = position
            kr.values["task"] = r.values.get("number", position)
            tables["kpis"].append(kr)
    for i, item in enumerate(items("duties"), start=1):
        r = item_row("duties", i, item, ("duties", i - 1))
        if r is None:
            continue
        texts = r.values.pop("texts", None)
        if texts is not None and "text" in r.values:
            problems.append(Problem("duties", i, "texts", _("ghi “text” hoặc “texts”, không ghi cả hai."), line=r.line))
            continue
        if texts is None:
            tables["duties"].append(r)
            continue
        if not isinstance(texts, list) or not texts:
            problems.append(Problem("duties", i, "texts", _("phải là một danh sách nội dung."), line=r.line))
            continue
        first = r.values.get("order")
        for j, t in enumerate(texts):
            values = {**r.values, "text": t}
            if isinstance(first, int) and not isinstance(first, bool):
                values["order"] = first + j  # the entry's texts are numbered on from its `order`
            tables["duties"].append(Row("duties", i, values, line=r.line, lines=r.lines))
    for i, item in enumerate(items("obligations"), start=1):
        if (r := item_row("obligations", i, item, ("obligations", i - 1))) is not None:
            tables["obligations"].append(r)
    groups = doc.get("groups") or {}
    if not isinstance(groups, dict):
        problems.append(Problem("groups", None, "", _("phải là một bảng tên nhóm: danh sách cơ quan.")))
        groups = {}
    for i, (gname, members) in enumerate(groups.items(), start=1):
        tables["groups"].append(Row("groups", i, {"name": gname, "agencies": members},
                                    line=lines.get(("groups", str(gname)))))  # fmt: skip
    total = sum(len(rows) for rows in tables.values())
    if total > imports.limits().max_rows:  # aliases can repeat a part many times in a small text
        return {}, {}, [Problem("file", None, "", _("Tệp có hơn {n} dòng (giới hạn của một lần nhập).").format(
            n=imports.limits().max_rows))]
    demo = doc.get("demo") or {}
    if not isinstance(demo, dict):
        problems.append(Problem("demo", None, "", _("phải là một bảng khóa: giá trị.")))
        demo = {}
    return tables, demo, problems


def _read_xlsx(data: bytes, name: str):
    problems: list[Problem] = []
    tables: dict[str, list[Row]] = {p: [] for p in SHEETS}
    limits = imports.xlsx_limits()
    xlsx.check_archive(data, file=name, max_bytes=limits["max_bytes"], max_ratio=limits["max_ratio"])
    for part, (title, fields) in SHEETS.items():
        try:
            rows = list(xlsx.iter_rows(data, file=name, sheet=title, **limits))
        except EngineError as e:
            if e.code == "unknown_sheet":
                if part == "program":
                    problems.append(Problem("program", None, "", _("Thiếu trang “{sheet}”.").format(sheet=title),
                                            in_xlsx=True))  # fmt: skip
                continue
            raise
        by_name = {}
        for f in fields:
            by_name[f.key.lower()] = f
            by_name[f.label.lower()] = f
        if part == "program":
            values, labels, lines = {}, {}, {}
            for n, cells in enumerate(rows, start=1):
                if not cells or all(c is None or str(c).strip() == "" for c in cells):
                    continue
                key = str(cells[0] or "").strip()
                if (n == 1 and key.lower() in ("trường", "field")) or key.lower() in _NAME_HEADERS:
                    continue
                f = by_name.get(key.lower())
                if f is None:
                    problems.append(Problem(part, n, key, _("trường không có trong định dạng."), in_xlsx=True))
                    continue
                if f.key in values:
                    problems.append(Problem(part, n, f.label, _("ghi hai lần."), in_xlsx=True))
                    continue
                values[f.key] = xlsx.unescape_text(cells[1]) if len(cells) > 1 else None
                labels[f.key], lines[f.key] = f.label, n
            tables[part].append(Row(part, 1, values, in_xlsx=True, labels=labels, lines=lines))
            continue
        if not rows:
            continue
        header = [str(h or "").strip() for h in rows[0]]
        cols: dict[int, Field] = {}
        for c, h in enumerate(header):
            if not h or h.lower() in _NAME_HEADERS:
                continue
            f = by_name.get(h.lower())
            if f is None:
                problems.append(Problem(part, 1, h, _("cột không có trong định dạng."), in_xlsx=True))
            elif f in cols.values():
                problems.append(Problem(part, 1, h, _("cột ghi hai lần."), in_xlsx=True))
            else:
                cols[c] = f
        for n, cells in enumerate(rows[1:], start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            values = {f.key: xlsx.unescape_text(cells[c]) for c, f in cols.items() if c < len(cells)}
            tables[part].append(Row(part, n, values, in_xlsx=True, labels={f.key: f.label for f in cols.values()}))
    return tables, {}, problems


# --- checking ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """A checked file, ready to write: model field values with agencies resolved."""

    code: str
    program: dict
    objectives: list[dict]
    tasks: list[dict]  # each with "supporting" (agencies), "kpis" (dicts), "objective_key"
    duties: list[dict]  # each with "agencies"
    obligations: list[dict]
    demo: dict
    replaces: Program | None = None
    agency_ref: Any = None  # the resolver, for the demo part


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def err(self, row: Row, key: str, message: str) -> None:
        if row.in_xlsx:  # the sheet's row (the program sheet: the row of that field) and column header
            n = row.lines.get(key, row.n) if row.part == "program" else row.n
            self.problems.append(Problem(row.part, n, row.labels.get(key, key), message, True))
        else:  # the item's number in its list and the YAML line of the key
            self.problems.append(Problem(row.part, row.n, key, message, False, row.lines.get(key) or row.line,
                                         row.of_task))  # fmt: skip

    def value(self, row: Row, f: Field, *, default=None):
        """The value of ``f`` in ``row``, converted to its kind; None (with a problem) when wrong."""
        raw = row.values.get(f.key)
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "" or raw == []:
            if f.required:
                self.err(row, f.key, _("thiếu (bắt buộc)."))
            return default
        try:
            return self._convert(f, raw)
        except ValueError as e:
            self.err(row, f.key, str(e))
            return None

    def _convert(self, f: Field, raw):
        k = f.kind
        if k in ("text", "long", "slug"):
            if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
                raise ValueError(_("phải là một chuỗi chữ, tệp ghi {got}.").format(got=_shown(raw)))
            if isinstance(raw, float):
                if not math.isfinite(raw):
                    raise ValueError(_("phải là một chuỗi chữ, tệp ghi {got}.").format(got=_shown(raw)))
                raw = int(raw) if raw.is_integer() else raw
            text = str(raw).strip()
            if "\x00" in text:
                raise ValueError(_("có ký tự không hợp lệ."))
            cap = f.max_len or MAX_TEXT
            if len(text) > cap:
                raise ValueError(_("dài {n} ký tự, tối đa {max}.").format(n=len(text), max=cap))
            if k == "slug" and not re.fullmatch(r"[-a-zA-Z0-9_]+", text):
                raise ValueError(_("chỉ gồm chữ không dấu, số, “-” và “_”: “{got}”.").format(got=text[:60]))
            return text
        if k == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            if isinstance(raw, str):
                try:
                    return parse_date(raw)
                except ValueError:
                    pass
            raise ValueError(_("phải là một ngày (dd/mm/yyyy), tệp ghi {got}.").format(got=_shown(raw)))
        if k in ("int", "float"):
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                raise ValueError(_("phải là một số, tệp ghi {got}.").format(got=_shown(raw)))
            if isinstance(raw, str):
                try:
                    raw = parse_number(raw)
                except ValueError:
                    raise ValueError(_("phải là một số, tệp ghi {got}.").format(got=_shown(raw))) from None
            num = float(raw)
            if not math.isfinite(num) or abs(num) > MAX_NUMBER:
                raise ValueError(_("phải là một số hữu hạn, tệp ghi {got}.").format(got=_shown(raw)))
            if k == "int":
                if not num.is_integer():
                    raise ValueError(_("phải là một số nguyên, tệp ghi {got}.").format(got=_shown(raw)))
                num = int(num)
            if (f.lo is not None and num < f.lo) or (f.hi is not None and num > f.hi):
                raise ValueError(_("phải từ {lo} đến {hi}, tệp ghi {got}.").format(
                    lo=_num(f.lo), hi=_num(f.hi), got=_num(num)))
            return num if k == "int" else float(num)
        if k == "choice":
            text = str(raw).strip()
            low = text.lower()
            alias = CHOICE_ALIASES.get(f.key, {})
            labels = {str(lbl).lower(): v for v, lbl in Recurrence.choices} if f.choices == RECURRENCES else {}
            got = low if low in f.choices else alias.get(low) or labels.get(low)
            if got is None:
                raise ValueError(_("phải là một trong {choices}, tệp ghi “{got}”.").format(
                    choices=", ".join(f.choices), got=text[:60]))
            return got
        if k == "bool":
            if isinstance(raw, bool):
                return raw
            low = str(raw).strip().lower()
            if low in ("có", "true", "1", "yes", "x"):
                return True
            if low in ("không", "false", "0", "no"):
                return False
            raise ValueError(_("phải là “có” hoặc “không”, tệp ghi {got}.").format(got=_shown(raw)))
        if k == "agency":
            if not isinstance(raw, str):
                raise ValueError(_("phải là mã một cơ quan, tệp ghi {got}.").format(got=_shown(raw)))
            return raw.strip()
        if k in ("agencies", "codes"):
            items = _split(raw) if isinstance(raw, str) else raw
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise ValueError(_("phải là một danh sách mã, tệp ghi {got}.").format(got=_shown(raw)))
            if len(items) > MAX_LIST:
                raise ValueError(_("có {n} mục, tối đa {max}.").format(n=len(items), max=MAX_LIST))
            return [x.strip() for x in items if x.strip()]
        raise AssertionError(k)


def _split(text: str) -> list[str]:
    return [x for x in re.split(r"[;,\n]", text) if x.strip()]


def _shown(raw) -> str:
    text = repr(raw) if not isinstance(raw, str) else f"“{raw}”"
    return text if len(text) <= 60 else text[:57] + "…"


def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


class AgencyRefs:
    """Resolves the file's agency references (code, ``@group``, ``type:X``) to agencies."""

    def __init__(self, groups: dict[str, list[str]], starts_on, ends_on, province_ref: str):
        self.groups = groups
        self.starts_on, self.ends_on = starts_on, ends_on
        self.province_ref = province_ref
        self._codes: dict[str, Agency] = {}
        self._types: dict[str, list[str]] | None = None

    def prefetch(self, refs) -> None:
        codes = {r for r in refs if isinstance(r, str) and not r.startswith(("@", "type:"))}
        self._codes.update({a.code: a for a in Agency.objects.filter(code__in=codes - set(self._codes))})

    def _type_codes(self, type_code: str) -> list[str]:
        if self._types is None:
            self._types = {}
            if self.province_ref:
                for r in reference.province_agencies(self.province_ref):
                    self._types.setdefault(r["type"], []).append(r["id"])
        return self._types.get(type_code, [])

    def resolve(self, ref: str, seen: tuple = ()) -> list[Agency]:
        """The agencies ``ref`` stands for; raises ValueError with a sentence."""
        if ref.startswith("@"):
            name = ref[1:]
            if name not in self.groups:
                raise ValueError(_("không có nhóm cơ quan “{name}”.").format(name=name))
            if name in seen:
                raise ValueError(_("nhóm “{name}” chứa chính nó.").format(name=name))
            out: list[Agency] = []
            for item in self.groups[name]:
                out += self.resolve(item, (*seen, name))
            return out
        if ref.startswith("type:"):
            t = ref[5:].strip()
            if self.starts_on is None:
                return []
            if not self.province_ref:
                raise ValueError(_("không xác định được tỉnh để tra loại cơ quan “{t}”: ghi “province”.").format(t=t))
            codes = self._type_codes(t)
            found = list(Agency.objects.valid_on(self.starts_on).filter(code__in=codes).order_by("code"))
            if not found:
                raise ValueError(_("không có cơ quan loại “{t}” có hiệu lực ngày {day} trong tỉnh.").format(
                    t=t, day=format_date(self.starts_on)))
            return found
        if ref not in self._codes:
            self.prefetch([ref])
        agency = self._codes.get(ref)
        if agency is None:
            raise ValueError(_("mã cơ quan “{code}” không có trong cơ sở dữ liệu.").format(code=ref[:80]))
        if self.starts_on and self.ends_on:
            if (agency.valid_from and agency.valid_from > self.ends_on) or (
                agency.valid_to and agency.valid_to <= self.starts_on
            ):
                raise ValueError(_("cơ quan “{name}” không có hiệu lực trong thời gian của chương trình.").format(
                    name=agency.name))
        return [agency]

    def many(self, refs: list[str]) -> list[Agency]:
        out: list[Agency] = []
        for ref in refs:
            out += self.resolve(ref)
        return list(dict.fromkeys(out))

    def one(self, ref: str) -> Agency:
        found = self.resolve(ref)
        if len(found) != 1:
            raise ValueError(_("phải là đúng một cơ quan; “{ref}” là {n} cơ quan.").format(ref=ref, n=len(found)))
        return found[0]


def _fields(part: str) -> dict[str, Field]:
    return {f.key: f for f in SHEETS[part][1]}


def check(tables: dict[str, list[Row]], demo: dict, *, replace: bool = False,
          problems: list[Problem] | None = None) -> tuple[Plan | None, list[Problem]]:
    """Validate the tables against the database; a :class:`Plan` when nothing is wrong."""
    ck = _Checker()
    ck.problems = list(problems or [])
    for part, rows in tables.items():
        known = _fields(part)
        for row in rows:
            for key in row.values:
                if key not in known:
                    ck.err(row, key, _("trường không có trong định dạng."))
    # the program
    prow = (tables.get("program") or [Row("program", 1, {})])[0]
    pf = _fields("program")
    prog = {k: ck.value(prow, f) for k, f in pf.items() if k not in ("standing_body", "province")}
    starts_on, ends_on = prog.get("starts_on"), prog.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        ck.err(prow, "ends_on", _("trước ngày bắt đầu ({day}).").format(day=format_date(starts_on)))
        ends_on = None
    fw = None
    if prog.get("framework_id"):
        fw = frameworks.find_framework(prog["framework_id"])
        if fw is None:
            ck.err(prow, "framework_id", _("không có bộ chỉ số “{id}”.").format(id=prog["framework_id"]))
    code = prog.get("code")
    replaces = None
    if code:
        replaces = Program.objects.filter(code=code).first()
        if replaces is not None and not replace:
            ck.err(prow, "code", _("đã có chương trình mã “{code}”; muốn thay thế thì chọn “Thay thế” (--replace)."
                                   ).format(code=code))  # fmt: skip
        elif replaces is not None and has_records(replaces):
            ck.err(prow, "code", _("chương trình “{code}” đã có báo cáo tiến độ, kiến nghị, kế hoạch hoặc kỳ "
                                   "đã ghi nhận: không thay thế được.").format(code=code))  # fmt: skip
    # groups and the province for agency types
    groups: dict[str, list[str]] = {}
    for row in tables.get("groups", []):
        name = ck.value(row, _fields("groups")["name"])
        members = ck.value(row, _fields("groups")["agencies"]) or []
        if name:
            if name in groups:
                ck.err(row, "name", _("nhóm “{name}” ghi hai lần.").format(name=name))
            groups[str(name)] = members
    province_ref = ""
    sb_ref = ck.value(prow, pf["standing_body"])
    prov_name = ck.value(prow, pf["province"])
    if prov_name and starts_on:
        try:
            province_ref = reference.find_province(prov_name, starts_on).id
        except EngineError:
            ck.err(prow, "province", _("không tìm thấy tỉnh “{name}” vào ngày {day}.").format(
                name=prov_name, day=format_date(starts_on)))
    refs = AgencyRefs(groups, starts_on, ends_on, province_ref)
    all_refs = [sb_ref] + [x for rows in tables.values() for r in rows for k in ("lead", "supporting", "agencies",
                           "agency", "source_agency") for x in _as_list(r.values.get(k))]  # fmt: skip
    refs.prefetch(all_refs)
    standing = None
    if sb_ref:
        if not province_ref and starts_on:
            if sb_ref.startswith("type:"):
                body = issuers.standing_body(starts_on)
                prov = issuers.province_of(body.unit) if body is not None else None
            else:
                body = Agency.objects.filter(code=sb_ref).select_related("unit__parent").first()
                prov = issuers.province_of(body.unit) if body is not None else None
            refs.province_ref = prov.ref_id if prov is not None else ""
        try:
            standing = refs.one(sb_ref)
        except ValueError as e:
            ck.err(prow, "standing_body", str(e))

    def agency(row, key, f):
        ref = ck.value(row, f)
        if not ref:
            return None
        try:
            return refs.one(ref)
        except ValueError as e:
            ck.err(row, key, str(e))
            return None

    def agencies(row, key, f):
        items = ck.value(row, f) or []
        out = []
        for ref in items:
            try:
                out += refs.resolve(ref)
            except ValueError as e:
                ck.err(row, key, str(e))
        return list(dict.fromkeys(out))

    def in_period(row, key, day):
        if day and starts_on and ends_on and not (starts_on <= day <= ends_on):
            ck.err(row, key, _("ngày {day} nằm ngoài thời gian của chương trình ({a}–{b}).").format(
                day=format_date(day), a=format_date(starts_on), b=format_date(ends_on)))

    # objectives
    of = _fields("objectives")
    objectives, keys, orders = [], {}, {}
    for row in tables.get("objectives", []):
        o = {k: ck.value(row, f) for k, f in of.items()}
        kind = o["kind"]
        if o["target_rank"] is not None and kind == "general":
            ck.err(row, "target_rank", _("mục tiêu chung không có thứ hạng mục tiêu; ghi “kind: specific”."))
        if (o["target_rank"] is None) != (o["target_year"] is None) and kind == "specific":
            ck.err(row, "target_year" if o["target_year"] is None else "target_rank",
                   _("thứ hạng và năm đạt mục tiêu phải ghi cùng nhau."))  # fmt: skip
        if o["target_year"] is not None and starts_on and ends_on:
            if not (starts_on.year <= o["target_year"] <= ends_on.year + 5):
                ck.err(row, "target_year", _("phải từ {a} đến {b}.").format(a=starts_on.year, b=ends_on.year + 5))
        ofw = o["framework_id"] or (prog.get("framework_id") if o["target_rank"] is not None else "")
        if o["framework_id"] and frameworks.find_framework(o["framework_id"]) is None:
            ck.err(row, "framework_id", _("không có bộ chỉ số “{id}”.").format(id=o["framework_id"]))
        if kind:
            used = orders.setdefault(kind, set())
            order = o["order"] if o["order"] is not None else max(used, default=0) + 1
            used.add(order)  # orders only sort (the model allows two alike): not refused
            if o["id"]:
                if o["id"] in keys:
                    ck.err(row, "id", _("mã mục tiêu “{id}” ghi hai lần.").format(id=o["id"]))
                keys[o["id"]] = (kind, order)
            objectives.append({"kind": kind, "order": order, "text": o["text"] or "", "framework_id": ofw or "",
                               "target_rank": o["target_rank"], "target_year": o["target_year"],
                               "section": o["section"] or ""})  # fmt: skip
    # tasks
    tf = _fields("tasks")
    tasks, numbers = [], {}
    for i, row in enumerate(tables.get("tasks", []), start=1):
        t = {k: ck.value(row, f) for k, f in tf.items() if k not in ("lead", "supporting")}
        number = t["number"] if t["number"] is not None else (i if row.values.get("number") in (None, "") else None)
        if number is not None:
            if number in numbers:
                ck.err(row, "number", _("số thứ tự {n} trùng với một nhiệm vụ khác.").format(n=number))
            numbers[number] = row
        if t["objective"] and t["objective"] not in keys:
            ck.err(row, "objective", _("không có mục tiêu mã “{id}”.").format(id=t["objective"]))
        in_period(row, "deadline", t["deadline"])
        for c in t["components"] or []:
            if fw is not None and not _has_node(fw, c):
                ck.err(row, "components", _("bộ chỉ số “{fw}” không có chỉ số “{code}”.").format(fw=fw.id, code=c))
        tasks.append({
            "number": number, "title": t["title"] or "", "text": t["text"] or "", "section": t["section"] or "",
            "objective_key": keys.get(t["objective"]), "lead_agency": agency(row, "lead", tf["lead"]),
            "supporting": agencies(row, "supporting", tf["supporting"]), "assignment_basis": t["basis"] or "",
            "deadline": t["deadline"], "recurrence": t["recurrence"] or Recurrence.NONE,
            "components": t["components"] or [], "kpis": [],
        })  # fmt: skip
    by_number = {t["number"]: t for t in tasks if t["number"] is not None}
    # KPIs
    kf = _fields("kpis")
    for row in tables.get("kpis", []):
        k = {key: ck.value(row, f) for key, f in kf.items() if key != "source_agency"}
        task = tasks[row.of_task - 1] if row.of_task else by_number.get(k["task"])
        if task is None:
            if k["task"] is not None:
                ck.err(row, "task", _("không có nhiệm vụ số {n}.").format(n=k["task"]))
            continue
        order = k["order"] if k["order"] is not None else max((x["order"] for x in task["kpis"]), default=0) + 1
        ind = k["indicator"] or ""
        kfw_id = k["framework_id"] or (prog.get("framework_id") if ind else "") or ""
        if k["source"] == Kpi.Source.INDICATOR and not ind:
            ck.err(row, "indicator", _("chỉ tiêu lấy số liệu từ chỉ số phải ghi mã chỉ số."))
        if ind and kfw_id:
            kfw = frameworks.find_framework(kfw_id)
            if kfw is None:
                ck.err(row, "framework_id", _("không có bộ chỉ số “{id}”.").format(id=kfw_id))
            elif not _has_node(kfw, ind):
                ck.err(row, "indicator", _("bộ chỉ số “{fw}” không có chỉ số “{code}”.").format(fw=kfw_id, code=ind))
        if (k["unit"] or "").strip() == "%":
            for key in ("baseline", "target"):
                if k[key] is not None and not 0 <= k[key] <= 100:
                    ck.err(row, key, _("đơn vị là % nên phải từ 0 đến 100, tệp ghi {got}.").format(got=_num(k[key])))
        if k["baseline_year"] is not None and ends_on and k["baseline_year"] > ends_on.year:
            ck.err(row, "baseline_year", _("sau năm kết thúc chương trình."))
        in_period(row, "due", k["due"])
        task["kpis"].append({
            "order": order, "name": k["name"] or "", "unit": k["unit"] or "", "baseline": k["baseline"],
            "baseline_year": k["baseline_year"], "target": k["target"], "target_basis": k["target_basis"] or "",
            "direction": -1 if k["direction"] == "down" else 1, "due_on": k["due"], "source": k["source"],
            "framework_id": kfw_id, "indicator_code": ind,
            "source_agency": agency(row, "source_agency", kf["source_agency"]),
        })  # fmt: skip
    # duties
    df = _fields("duties")
    duties, duty_orders = [], {}
    for row in tables.get("duties", []):
        d = {k: ck.value(row, f) for k, f in df.items() if k != "agencies"}
        section = d["section"] or ""
        used = duty_orders.setdefault(section, set())
        order = d["order"] if d["order"] is not None else max(used, default=0) + 1
        used.add(order)
        duties.append({"section": section, "order": order, "addressee": d["addressee"] or "",
                       "text": d["text"] or "", "agencies": agencies(row, "agencies", df["agencies"])})  # fmt: skip
    # obligations
    obf = _fields("obligations")
    obligations = []
    for row in tables.get("obligations", []):
        o = {k: ck.value(row, f) for k, f in obf.items() if k != "agency"}
        obligations.append({"title": o["title"] or "", "section": o["section"] or "",
                            "agency": agency(row, "agency", obf["agency"]), "recurrence": o["recurrence"],
                            "due_offset_days": o["due_offset_days"] or 0,
                            "schedule_note": o["schedule_note"] or ""})  # fmt: skip
    _check_demo(ck, demo, set(by_number), refs)
    if ck.problems:
        return None, ck.problems
    program = {k: v for k, v in prog.items() if k != "code"}
    program["standing_body"] = standing
    program["header_number"] = program["header_number"] or ""
    for k in ("number_note", "legal_grounds", "source"):
        program[k] = program[k] or ""
    if program["progress_due_days"] is None:
        program.pop("progress_due_days")
    if program["is_public"] is None:
        program.pop("is_public")
    return Plan(code, program, objectives, tasks, duties, obligations, demo, replaces, refs), []


def _as_list(v) -> list:
    if isinstance(v, list):
        return v
    if isinstance(v, str):
        return _split(v)
    return []


def _has_node(fw, code: str) -> bool:
    try:
        fw.node(code)
    except (EngineError, KeyError, LookupError):
        return False
    return True


def _check_demo(ck: _Checker, demo: dict, numbers: set, refs: AgencyRefs) -> None:
    """The demo part's task numbers and agencies (users may be missing: their actions are then anonymous)."""
    if not demo:
        return

    def bad(msg):
        ck.problems.append(Problem("demo", None, "", msg))

    try:
        for key in ("year", "quarter", "progress", "approver"):
            if key not in demo:
                bad(_("thiếu “{key}”.").format(key=key))
        for ref in (demo.get("reporters") or {}):
            refs.one(ref)
        for row in demo.get("progress") or []:
            if row.get("task") not in numbers:
                bad(_("không có nhiệm vụ số {n}.").format(n=row.get("task")))
            if row.get("status") not in ProgressReport.TaskStatus.values:
                bad(_("tình trạng “{s}” không hợp lệ.").format(s=row.get("status")))
        for r in demo.get("recommendations") or []:
            refs.one(r["agency"])
            if r.get("task") is not None and r["task"] not in numbers:
                bad(_("không có nhiệm vụ số {n}.").format(n=r["task"]))
        if demo.get("plan"):
            refs.one(demo["plan"]["agency"])
    except ValueError as e:
        bad(str(e))
    except (KeyError, TypeError, AttributeError) as e:
        bad(_("phần minh họa thiếu hoặc sai trường {key}.").format(key=e))


def demo_refs(program: Program, tables: dict[str, list[Row]], demo: dict) -> AgencyRefs:
    """The agency resolver of a file for a program already in the database (its demo part only)."""
    groups = {str(r.values.get("name")): _as_list(r.values.get("agencies")) for r in tables.get("groups", [])}
    rows = tables.get("program") or []
    name = rows[0].values.get("province") if rows else None
    province_ref = ""
    if name:
        try:
            province_ref = reference.find_province(str(name), program.starts_on).id
        except EngineError:
            province_ref = ""
    if not province_ref:
        prov = issuers.province_of(program.standing_body.unit)
        province_ref = prov.ref_id if prov is not None else ""
    return AgencyRefs(groups, program.starts_on, program.ends_on, province_ref)


def has_records(program: Program) -> bool:
    """Whether people have recorded anything in the program (then it is never replaced by a file)."""
    return (
        ProgressReport.objects.filter(task__program=program).exists()
        or program.recommendations.exists()
        or program.plans.exists()
        or Occurrence.objects.filter(obligation__program=program, done_on__isnull=False).exists()
    )


# --- writing -------------------------------------------------------------------------------------------------


def import_program(data: bytes, name: str, actor: audit.Actor, *, replace: bool = False, demo: bool = False) -> Program:
    """Check the file and write the program in one transaction; :class:`FileRefused` lists every
    problem and nothing is written. ``replace`` replaces a program of the same code in which nothing
    was recorded yet; ``demo`` also loads the file's labelled demonstration part."""
    tables, demo_part, problems = read(data, name)
    if problems and not tables:
        raise FileRefused(problems)
    with transaction.atomic():
        plan, problems = check(tables, demo_part, replace=replace, problems=problems)
        if plan is None:
            raise FileRefused(problems)
        if demo and not plan.demo:
            raise FileRefused([Problem("demo", None, "", _("tệp không có phần minh họa (demo)."))])
        program = write(plan, actor, file_name=name, sha256=hashlib.sha256(data).hexdigest())
        if demo:
            load_demo(program, plan.demo, plan.agency_ref)
    return program


def write(plan: Plan, actor: audit.Actor, *, file_name: str = "", sha256: str = "") -> Program:
    before = None
    if plan.replaces is not None:
        old = Program.objects.select_for_update().get(pk=plan.replaces.pk)
        if has_records(old):  # checked again under the lock
            raise FileRefused([Problem("program", None, "code", _("chương trình đã có dữ liệu ghi nhận."))])
        before = {"id": old.pk, "title": old.title, "tasks": old.tasks.count()}
        old.delete()
    program = Program.objects.create(code=plan.code, **plan.program)
    objectives = {}
    for o in plan.objectives:
        obj = Objective.objects.create(program=program, **o)
        objectives[(o["kind"], o["order"])] = obj
    for t in plan.tasks:
        fields = {k: v for k, v in t.items() if k not in ("supporting", "kpis", "objective_key")}
        task = Task.objects.create(program=program, objective=objectives.get(t["objective_key"]), **fields)
        task.supporting_agencies.set(t["supporting"])
        for k in t["kpis"]:
            Kpi.objects.create(task=task, **k)
    for d in plan.duties:
        duty = Duty.objects.create(program=program, **{k: v for k, v in d.items() if k != "agencies"})
        duty.agencies.set(d["agencies"])
    for o in plan.obligations:
        Obligation.objects.create(program=program, **o)
    from . import services

    occurrences = services.sync_occurrences(program)
    counts = {"objectives": len(plan.objectives), "tasks": len(plan.tasks),
              "kpis": sum(len(t["kpis"]) for t in plan.tasks), "duties": len(plan.duties),
              "obligations": len(plan.obligations), "occurrences": occurrences}  # fmt: skip
    audit.record(actor, "program.replace" if before else "program.import", program, before=before,
                 after={"file": file_name[:200], "sha256": sha256, **counts})  # fmt: skip
    program.import_counts = counts
    return program


# --- the labelled demonstration part -------------------------------------------------------------------------


def load_demo(program: Program, demo: dict, refs: AgencyRefs, request_id: str = "import_program --demo") -> str:
    """Load the file's ``demo:`` part (progress of one quarter, recommendations, an agency's plan,
    occurrences recorded), every text worded "(DỮ LIỆU MINH HỌA)". No e-mail is sent. Once only."""
    from . import services

    if ProgressReport.objects.filter(task__program=program, is_demo=True).exists():
        return "already loaded"
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        reporters = {refs.one(ref).code: prefix for ref, prefix in (demo.get("reporters") or {}).items()}
        default = demo.get("default_reporter", "")
        names = {demo["approver"]}
        if demo.get("plan"):
            names.add(demo["plan"]["user"])
        for prefix in [*reporters.values(), default]:
            names |= {f"{prefix}.nhaplieu", f"{prefix}.lanhdao"}
        for r in demo.get("recommendations") or []:
            names |= {r["user"], *(step["user"] for step in r.get("steps") or [])}
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}

        def actor(name):
            return audit.Actor(user=users.get(name), request_id=request_id)

        tasks = {t.number: t for t in program.tasks.select_related("lead_agency")}
        year, quarter = demo["year"], demo["quarter"]
        n = 0
        for row in demo["progress"]:
            task = tasks[row["task"]]
            lead = task.lead_agency
            who = reporters.get(lead.code, default)
            rep = services.open_report(task, lead, year, quarter, actor(f"{who}.nhaplieu"), is_demo=True)
            kpis = row.get("kpis") or {}
            kv = {k.pk: kpis[k.order] for k in task.kpis.all() if k.order in kpis and k.source == "reported"}
            services.save_report(rep.pk, actor(f"{who}.nhaplieu"), task_status=row["status"], percent=row["percent"],
                                 narrative=f"{row['narrative']} ({DEMO})", kpi_values=kv)  # fmt: skip
            if row.get("evidence"):
                data = row["evidence"]["text"].encode()
                ev = ProgressEvidence(report=rep, original_name=row["evidence"]["name"],
                                      content_type="text/plain; charset=utf-8", size=len(data),
                                      sha256=hashlib.sha256(data).hexdigest())  # fmt: skip
                ev.file.save("upload", ContentFile(data), save=False)
                ev.save()
            if row["final"] in ("submitted", "approved"):
                services.submit_report(rep.pk, actor(f"{who}.lanhdao"))
            if row["final"] == "approved":
                services.approve_report(rep.pk, actor(demo["approver"]))
            n += 1
        recs = demo.get("recommendations") or []
        for r in recs:
            rec = services.submit_recommendation(
                actor(r["user"]), program=program, agency=refs.one(r["agency"]),
                task=tasks.get(r.get("task")), component=r.get("component", ""),
                kind=Recommendation.Kind(r["kind"]), title=r["title"], body=r["body"], is_demo=True,
            )  # fmt: skip
            for step in r.get("steps") or []:
                extra = {"text": step["text"]} if step.get("text") else {}
                services.act_on_recommendation(rec.pk, actor(step["user"]), step["action"], **extra)
        plans = 0
        if p := demo.get("plan"):
            data = p["text"].encode()
            plan_obj = AgencyPlan(
                program=program, agency=refs.one(p["agency"]), title=p["title"], document_number="",
                original_name=p["file_name"], content_type="text/plain; charset=utf-8", size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), is_demo=True, uploaded_by=users.get(p["user"]),
            )  # fmt: skip
            plan_obj.file.save("upload", ContentFile(data), save=False)
            plan_obj.save()
            plans = 1
        done_count = 0
        if occ_data := demo.get("occurrences"):
            done = Occurrence.objects.filter(obligation__program=program, period__in=occ_data["periods"])
            for occ in done:
                occ.done_on = min(occ.due_on, occ_data["done_by"])
                occ.note = occ_data["note"]
                occ.is_demo = True
                occ.recorded_at = timezone.now()
                occ.save()
            done_count = done.count()
    return f"{n} progress reports, {len(recs)} recommendations, {plans} plan, {done_count} occurrences"


# --- export ----------------------------------------------------------------------------------------------------


def tables_of(program: Program) -> dict[str, list[dict]]:
    """The program as the file's tables (part -> records of field key -> value); agencies by code."""
    p = program
    head = {f.key: getattr(p, f.key) for f in PROGRAM_FIELDS if f.key not in ("standing_body", "province")}
    head["standing_body"] = p.standing_body.code
    objectives = list(p.objectives.order_by("kind", "order", "id"))
    oid: dict[int, str] = {}
    for o in objectives:  # "chung-1", "cu-the-2": unique even where two objectives share an order
        base = f"{'chung' if o.kind == 'general' else 'cu-the'}-{o.order}"
        oid[o.pk] = base if base not in oid.values() else f"{base}-{o.pk}"
    out: dict[str, list[dict]] = {"program": [head], "objectives": [], "tasks": [], "kpis": [], "duties": [],
                                  "obligations": []}  # fmt: skip
    for o in objectives:
        out["objectives"].append({"id": oid[o.pk], "kind": o.kind, "order": o.order, "text": o.text,
                                  "framework_id": o.framework_id, "target_rank": o.target_rank,
                                  "target_year": o.target_year, "section": o.section})  # fmt: skip
    tasks = p.tasks.issued().select_related("lead_agency").prefetch_related("supporting_agencies", "kpis__source_agency")
    for t in tasks.order_by("number"):
        out["tasks"].append({
            "number": t.number, "title": t.title, "text": t.text, "section": t.section,
            "objective": oid.get(t.objective_id), "lead": t.lead_agency.code,
            "supporting": sorted(a.code for a in t.supporting_agencies.all()), "basis": t.assignment_basis,
            "deadline": t.deadline, "recurrence": t.recurrence, "components": list(t.components or []),
        })  # fmt: skip
        for k in sorted(t.kpis.all(), key=lambda k: (k.order, k.pk)):
            out["kpis"].append({
                "task": t.number, "order": k.order, "name": k.name, "unit": k.unit, "baseline": k.baseline,
                "baseline_year": k.baseline_year, "target": k.target, "target_basis": k.target_basis,
                "direction": "down" if k.direction == -1 else "up", "due": k.due_on, "source": k.source,
                "framework_id": k.framework_id, "indicator": k.indicator_code,
                "source_agency": k.source_agency.code if k.source_agency else None,
            })  # fmt: skip
    for d in p.duties.prefetch_related("agencies").order_by("id"):  # the file's order
        out["duties"].append({"section": d.section, "order": d.order, "addressee": d.addressee,
                              "agencies": sorted(a.code for a in d.agencies.all()), "text": d.text})  # fmt: skip
    for o in p.obligations.select_related("agency").order_by("id"):
        out["obligations"].append({"title": o.title, "section": o.section, "agency": o.agency.code,
                                   "recurrence": o.recurrence, "due_offset_days": o.due_offset_days,
                                   "schedule_note": o.schedule_note})  # fmt: skip
    return out


def export_yaml(program: Program) -> str:
    """The program as a YAML file of this format (KPIs under their task, duties of one section and
    addressee grouped)."""
    t = tables_of(program)
    head = dict(t["program"][0])
    standing = head.pop("standing_body")
    tasks = []
    for task in t["tasks"]:
        kpis = [{k: v for k, v in kpi.items() if k != "task"} for kpi in t["kpis"] if kpi["task"] == task["number"]]
        tasks.append({**task, "kpis": kpis})
    duties: list[dict] = []
    for d in t["duties"]:
        last = duties[-1] if duties else None
        if (last is not None and (last["section"], last["addressee"], last["agencies"]) ==
                (d["section"], d["addressee"], d["agencies"]) and d["order"] == last["_next"]):  # fmt: skip
            last["texts"].append(d["text"])
            last["_next"] += 1
        else:
            duties.append({"section": d["section"], "order": d["order"], "addressee": d["addressee"],
                           "agencies": d["agencies"], "texts": [d["text"]], "_next": d["order"] + 1})  # fmt: skip
    for d in duties:
        d.pop("_next")
    doc = {"format": FORMAT, "program": head, "standing_body": standing, "objectives": t["objectives"],
           "tasks": tasks, "duties": duties, "obligations": t["obligations"]}  # fmt: skip
    header = (
        f"# {program.title}\n# {program.decision_number}, {format_date(program.decision_date)}: "
        f"exported by chiso on {format_date(timezone.localdate())}.\n"
        "# Import: python -m chiso.manage import_program FILE (docs/program.md); agencies are orgs.Agency codes.\n"
    )
    return header.replace("\n\n", "\n") + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)


def export_xlsx(program: Program) -> bytes:
    """The program as a workbook, one sheet per part (:data:`SHEETS`), through :mod:`chiso.lib.xlsx`:
    the fields the import reads (agencies and components by code, docs/program.md), each code column
    followed by the names a reader looks for (:data:`NAME_COLUMNS`, skipped by the import), a choice
    as its Vietnamese word, dates as date cells, every header row frozen. In Vietnamese whatever the
    reader's language."""
    with translation.override("vi"):
        return _export_xlsx(program)


def _export_xlsx(program: Program) -> bytes:
    t = tables_of(program)
    names = _Names(program)
    wb = xlsx.WorkbookWriter()
    info = wb.sheet(SHEETS["program"][0])
    info.header(["Trường", "Giá trị"], widths=[40, 100])
    head = t["program"][0]
    for f in PROGRAM_FIELDS:
        if f.key in head:
            info.append([f.label, _cell(f, head[f.key])])
            if (label := NAME_COLUMNS.get(("program", f.key))) is not None:
                info.append([label, names.of(f, head[f.key], head)])
    for part in ("objectives", "tasks", "kpis", "duties", "obligations"):
        title, fields = SHEETS[part]
        columns: list[tuple[Field, bool]] = []  # (field, whether this is the column of its names)
        for f in fields:
            columns.append((f, False))
            if (part, f.key) in NAME_COLUMNS:
                columns.append((f, True))
        ws = wb.sheet(title)
        ws.header([NAME_COLUMNS[(part, f.key)] if named else f.label for f, named in columns],
                  widths=[_width(f, named) for f, named in columns])
        for rec in t[part]:
            ws.append([names.of(f, rec.get(f.key), rec) if named else _cell(f, rec.get(f.key))
                       for f, named in columns])
    return wb.to_bytes()


def _width(f: Field, named: bool) -> int:
    return 60 if f.kind == "long" else 40 if named else 30 if f.kind in ("agencies", "text") else 14


class _Names:
    """The names of the agencies, frameworks and indicators a program's tables name by code."""

    def __init__(self, program: Program):
        self.program = program
        self.agencies = dict(Agency.objects.values_list("code", "name"))
        self._frameworks: dict[str, Any] = {}

    def framework(self, fw_id: str):
        if fw_id not in self._frameworks:
            self._frameworks[fw_id] = frameworks.find_framework(fw_id) if fw_id else None
        return self._frameworks[fw_id]

    def node(self, fw_id: str, code: str) -> str:
        fw = self.framework(fw_id)
        try:
            return fw.node(code).label("vi") if fw is not None else ""
        except (KeyError, LookupError):
            return ""

    def of(self, f: Field, value, rec: dict) -> str:
        if value in (None, "", []):
            return ""
        if f.key == "framework_id":
            fw = self.framework(value)
            return fw.label("vi") if fw is not None else ""
        if f.kind == "agency":
            return self.agencies.get(value, "")
        if f.kind == "agencies":
            return "; ".join(self.agencies.get(code, code) for code in value)
        if f.key == "components":
            return "; ".join(self.node(self.program.framework_id, code) or code for code in value)
        if f.key == "indicator":
            return self.node(rec.get("framework_id") or self.program.framework_id, value)
        raise AssertionError(f.key)


def _cell(f: Field, v):
    """A field's value as the workbook writes it: a list joined, a choice and a yes/no as words."""
    if isinstance(v, list):
        return "; ".join(v)
    if isinstance(v, bool):
        return "có" if v else "không"
    if f.kind == "choice" and v is not None:
        if f.choices == RECURRENCES:
            return str(Recurrence(v).label)
        return CHOICE_WORDS.get(f.key, {}).get(v, v)
    return v
