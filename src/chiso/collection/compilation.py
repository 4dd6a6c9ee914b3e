"""The standing body's compilation of a round for the ministry: every component's approved value,
its evidence files and the agency responsible, in the framework's order.

One :func:`compile_round` reads the round (the matrix, the approved submissions' values and their
evidence) and gives the rows; the page, the .xlsx (through :mod:`chiso.lib.xlsx`, the one writer)
and the .zip of evidence are all written from them.  A component without an approved value keeps
its row and says why (no lead, form not yet approved); nothing is hidden.

The .zip holds one folder per component (``01_cq_1/``) with the evidence files of its approved
values, named ``<evidence id>_<agency>_<original name>`` folded to ASCII letters, digits, ``.``,
``-`` and ``_`` — never a path given by an uploader — plus the .xlsx at the top.  Files are stored
uncompressed, so the archive's size is known before it is written (:attr:`Compilation.zip_size`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from chiso.engine.units import fold_diacritics
from chiso.lib import frameworks
from chiso.lib.periods import period_end
from chiso.lib.xlsx import DEMO_NOTE, WHOLE, WorkbookWriter
from chiso.orgs import audit
from chiso.orgs.models import Responsibility

from . import matrix, services
from .models import Evidence, Round, Submission, Value

HEADER = ["STT", "Chỉ số thành phần", "Chỉ số chính", "Đơn vị tính", "Giá trị đã phê duyệt", "Tình trạng",
          "Cơ quan chủ trì", "Ghi chú của cơ quan", "Tệp minh chứng", "Thư mục minh chứng (.zip)"]
FORMATS = [WHOLE]  # the value's column keeps General: each component has its own unit and precision
WIDTHS = [5, 48, 28, 12, 14, 36, 34, 30, 40, 22]
XLSX_NAME = "tong-hop.xlsx"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# A .zip entry stored uncompressed: 30 + name (local header) + 46 + name (central directory), plus
# 22 for the end record; the UTF-8 flag needs no extra field (names are ASCII anyway).
_ENTRY_OVERHEAD = 76
_END = 22


@dataclass
class EvidenceFile:
    evidence: Evidence
    path: str  # inside the .zip


@dataclass
class Line:
    number: int
    node: object
    main: object
    agency: object | None  # None: nobody leads the component
    submission: Submission | None
    value: Value | None
    files: list[EvidenceFile] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return (self.submission is not None and self.submission.status == Submission.Status.APPROVED
                and self.value is not None and not self.value.is_empty)

    @property
    def folder(self) -> str:
        return folder_name(self.number, self.node.code)

    def state(self) -> str:
        if self.agency is None:
            return _("Chưa có giá trị được phê duyệt: chưa phân công cơ quan chủ trì")
        if self.submission is None:
            return _("Chưa có giá trị được phê duyệt: cơ quan chủ trì không có biểu mẫu trong đợt này")
        if self.submission.status != Submission.Status.APPROVED:
            return _("Chưa có giá trị được phê duyệt: biểu mẫu {status}").format(
                status=str(self.submission.get_status_display()).lower())
        if self.value is None or self.value.is_empty:
            return _("Chưa có giá trị được phê duyệt: biểu mẫu đã phê duyệt nhưng không có giá trị")
        return _("Đã phê duyệt")

    @property
    def state_text(self) -> str:
        return self.state()

    @property
    def text(self) -> str:
        """The value as the page shows it (decimal comma, "Có"/"Không", the level)."""
        return services.display_value(self.value, self.node) if self.approved else "—"

    def shown_value(self):
        """The value as a cell: a number stays a number, a level or yes/no is a text."""
        if not self.approved:
            return None
        if self.value.choice or frameworks.indicator_kind(self.node) == "yes_no":
            return services.display_value(self.value, self.node)
        return self.value.number


@dataclass
class Compilation:
    round: Round
    fw: object
    lines: list[Line]
    made_at: dt.datetime

    @property
    def sentence(self) -> str:
        return matrix.framework_sentence(self.fw)

    @property
    def files(self) -> list[EvidenceFile]:
        return [f for line in self.lines for f in line.files]

    @property
    def evidence_bytes(self) -> int:
        return sum(f.evidence.size for f in self.files)

    def counts(self) -> dict[str, int]:
        return {"components": len({ln.node.code for ln in self.lines}),
                "rows": len(self.lines), "approved": sum(1 for ln in self.lines if ln.approved),
                "files": len(self.files)}  # fmt: skip


def safe_name(text: str, limit: int = 80) -> str:
    """``text`` folded to ASCII letters, digits, ``.``, ``-`` and ``_``: no separator, no ``..``,
    never empty, at most ``limit`` characters (the extension kept)."""
    base = os.path.basename(str(text).replace("\\", "/"))
    folded = _UNSAFE.sub("_", fold_diacritics(base).replace("đ", "d").replace("Đ", "D")).strip("._") or "tep"
    folded = re.sub(r"\.{2,}", ".", folded)
    stem, ext = os.path.splitext(folded)
    ext = ext[:12]
    return (stem[: max(1, limit - len(ext))] + ext).strip(".") or "tep"


def folder_name(number: int, code: str) -> str:
    return f"{number:02d}_{safe_name(code, 60)}"


def compile_round(rnd: Round) -> Compilation:
    """The rows of the compilation (see the module docstring); a handful of queries whatever its size."""
    fw = frameworks.get_framework(rnd.framework_id)
    subs = list(rnd.submissions.select_related("agency").order_by("agency__kind", "agency__name"))
    lead_rows = matrix.rows(fw.id, Responsibility.Role.LEAD)
    leads: dict[str, list[Submission]] = {}
    for sub in subs:
        for code in matrix.led_indicators(fw, sub.agency_id, lead_rows):
            leads.setdefault(code, []).append(sub)
    values = {(v.submission_id, v.code): v for v in Value.objects.filter(submission__round=rnd)}
    evidence: dict[int, list[Evidence]] = {}
    approved = [s.pk for s in subs if s.status == Submission.Status.APPROVED]
    for ev in Evidence.objects.filter(value__submission_id__in=approved).order_by("id"):
        evidence.setdefault(ev.owner_id, []).append(ev)
    # Components led by nobody in the round: the agency that leads them in the matrix (in force at
    # the period's end), named even without a form, or none.
    unled = [n.code for n in fw.indicators if n.code not in leads]
    found = matrix.holders(fw, period_end(rnd.year, rnd.quarter), codes=unled) if unled else {}
    lines: list[Line] = []
    for number, node in enumerate(fw.indicators, start=1):
        chain = [node.code, *fw.ancestors(node.code)]
        main = fw.node(chain[-2]) if len(chain) >= 2 else node
        holders = leads.get(node.code) or []
        if not holders:
            agencies = [a for a, _n in found[node.code].lead] or [None]
            lines += [Line(number, node, main, a, None, None) for a in agencies]
            continue
        for sub in holders:
            value = values.get((sub.pk, node.code))
            line = Line(number, node, main, sub.agency, sub, value)
            if line.approved:
                for ev in evidence.get(value.pk, []):
                    name = f"{ev.pk}_{safe_name(sub.agency.short_name or sub.agency.name, 30)}_{safe_name(ev.original_name)}"
                    line.files.append(EvidenceFile(ev, f"{line.folder}/{name}"))
            lines.append(line)
    return Compilation(rnd, fw, lines, timezone.now())


def xlsx_bytes(c: Compilation, issuer_name: str = "") -> bytes:
    """One sheet "Tổng hợp": the title and the framework's sentence (its status said), then one row
    per component (by name) and lead agency in the framework's order, under a frozen header; a sheet
    "Ghi chú" says how to read it. Both open with the demonstration label when the round is demo.
    Written in Vietnamese whatever the reader's language: it goes to the ministry."""
    with translation.override("vi"):
        return _xlsx_bytes(c, issuer_name)


def _xlsx_bytes(c: Compilation, issuer_name: str) -> bytes:
    wb = WorkbookWriter(DEMO_NOTE if c.round.is_demo else "")
    ws = wb.sheet("Tổng hợp")
    r = ws.append([f"Tổng hợp số liệu {c.round.title} ({c.round.period})"])
    ws.style(r, 1, font=Font(bold=True, size=13))
    ws.append([c.sentence])
    made = timezone.localtime(c.made_at).strftime("%d/%m/%Y %H:%M")
    ws.append([f"Cơ quan tổng hợp: {issuer_name or '—'} · lập lúc {made}"])
    ws.append([])
    head = ws.header(HEADER, formats=FORMATS, widths=WIDTHS)
    ws.style_row(head, len(HEADER), alignment=Alignment(wrap_text=True, vertical="top"))
    for line in c.lines:
        ws.append([
            line.number, line.node.label("vi"), line.main.label("vi"), line.node.unit or "",
            line.shown_value(), line.state(),
            (line.agency.name if line.agency is not None else "Chưa phân công"),
            (line.value.comment if line.approved else ""),
            "; ".join(f.evidence.original_name for f in line.files),
            (line.folder + "/") if line.files else "",
        ])
    notes = wb.sheet("Ghi chú")
    for text in (
        c.sentence,
        "Mỗi dòng là một chỉ số thành phần và cơ quan chủ trì của nó (theo ma trận trách nhiệm), theo thứ tự "
        "của bộ chỉ số. Chỉ số chưa có giá trị được phê duyệt vẫn có dòng, cột Tình trạng ghi lý do.",
        "Tệp minh chứng: trong tệp .zip tải kèm, mỗi chỉ số một thư mục (cột Thư mục minh chứng).",
    ):
        notes.append([text])
    notes.width(1, 120)
    return wb.to_bytes()


def zip_size(c: Compilation, xlsx_len: int) -> int:
    """The exact size of :func:`write_zip`'s archive (stored entries)."""
    names = [XLSX_NAME] + [f.path for f in c.files]
    sizes = [xlsx_len] + [f.evidence.size for f in c.files]
    return sum(sizes) + sum(_ENTRY_OVERHEAD + 2 * len(n.encode()) for n in names) + _END


def write_zip(c: Compilation, xlsx: bytes):
    """A temporary file holding the archive (the caller closes it): the .xlsx, then each component's
    folder of evidence.  A file missing from storage is refused (``FileNotFoundError``)."""
    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_info(XLSX_NAME, c.made_at), xlsx)
        for f in c.files:
            assert ".." not in f.path.split("/") and not f.path.startswith("/")
            with f.evidence.file.open("rb") as src, zf.open(_info(f.path, f.evidence.uploaded_at), "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    out.seek(0)
    return out


def _info(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    t = timezone.localtime(when) if timezone.is_aware(when) else when
    info = zipfile.ZipInfo(name, date_time=(max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second))
    info.compress_type = zipfile.ZIP_STORED
    return info


def record_download(c: Compilation, actor: audit.Actor) -> None:
    """The compilation's evidence sent to someone: an audit row on the round (what was sent, how much)."""
    audit.record(actor, "round.compilation", c.round, after={"files": len(c.files), "bytes": c.evidence_bytes})
