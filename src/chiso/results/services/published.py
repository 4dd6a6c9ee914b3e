"""Import of a published table, and what runs after a publication is recorded.

**After a publication (the extension point).**  An app above results that must act when a published
table enters chiso (the program schedules its obligations "after each published index") registers a
callback once, in its ``AppConfig.ready()``::

    from chiso.results.services.published import after_publication

    after_publication(my_callback)  # my_callback(table: PublishedTable) -> None

Every writer of a real published table — the import service :func:`save_table` and the command
``load_demo_results`` — calls :func:`announce_publication` inside its transaction; the callbacks run
once that transaction commits (never for a rolled-back import), in the order they were registered.  A
demonstration table announces nothing.  Results itself imports nothing of the apps that listen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.engine.errors import InputError, UnitError
from chiso.io import read_published
from chiso.lib import frameworks, imports
from chiso.lib.problems import active_language
from chiso.lib.vn_format import format_number
from chiso.orgs import audit

from ..models import PublishedTable, PublishedValue
from .messages import _vn_iso, engine_message
from .today import _provinces_in_force


@dataclass
class CellError:
    row: int
    column: str
    message: str


@dataclass
class PreviewRow:
    row: int
    name: str
    unit_ref: str = ""
    unit_name: str = ""
    values: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)


@dataclass
class TablePreview(imports.ListsErrors):
    framework_id: str
    year: int
    codes: list[str] = field(default_factory=list)
    rank_codes: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    sha256: str = ""
    # the publication date given (None: 31/12 of the year), the day names are read as of, and how
    # many provinces are in force that day
    published_on: dt.date | None = None
    as_of: dt.date | None = None
    basis: int | None = None
    # how every column was read: [{"letter", "header", "kind", "code", "matched_by"}]
    columns: list[dict] = field(default_factory=list)
    # unknown headers, to be mapped: [{"column", "header", "suggestions": [{"code", "name"}]}]
    unknown: list[dict] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    is_demo: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _problem_message(q: dict) -> str:
    """A Vietnamese sentence for one problem of :func:`chiso.io.read_published` (``q["error"]``)."""
    kind, value = q.get("error"), q.get("value", "")
    if kind == "unknown_header":
        s = _("Không nhận ra cột “{header}”.").format(header=q.get("header", ""))
        if q.get("suggestions"):
            s += " " + _("Có phải: {names}?").format(names=", ".join(x["name"] for x in q["suggestions"]))
        return s
    if kind == "bad_mapping":
        return _("Cột “{header}” được gán cho một chỉ số không có trong bộ chỉ số.").format(header=q.get("header", ""))
    if kind == "duplicate_header":
        return _("Cột “{header}” là cùng một chỉ số với một cột khác.").format(header=q.get("header", ""))
    if kind == "empty_header":
        return _("Cột có số liệu nhưng không có tiêu đề.")
    if kind == "empty_unit":
        return _("Ô trống tên đơn vị.")
    if kind == "duplicate_unit":
        return _("Đơn vị “{name}” lặp lại.").format(name=value)
    if kind == "no_header":
        return _("Giá trị “{value}” không có tiêu đề cột.").format(value=value)
    if kind == "bad_rank":
        return _("Thứ hạng phải là số nguyên dương, nhận được “{value}”.").format(value=value)
    if kind == "same_unit":
        return _("“{name}” là cùng một tỉnh với dòng {row}.").format(name=value, row=q["params"].get("other_row"))
    if kind == "unit_not_valid" and q.get("params", {}).get("successor"):
        p = q["params"]
        return _("“{name}” không còn là đơn vị hành chính vào ngày {date} (đã nhập vào {successor}); hãy ghi tên "
                 "tỉnh mới, hoặc chọn ngày công bố trước khi sáp nhập.").format(
            name=value, date=_vn_iso(p.get("as_of")), successor=p["successor"])
    if kind in ("unknown_unit", "unit_not_valid", "ambiguous_unit"):
        return engine_message(UnitError(q.get("msg", ""), code=kind, **q.get("params", {})))
    return _("“{value}” không phải là số.").format(value=value)


def _add_problems(out: TablePreview, err: InputError, *, skip_headers: bool = False) -> None:
    """The errors of :func:`chiso.io.read_published`, each by row and column, in Vietnamese; the
    unknown headers also in ``out.unknown`` (for the mapping selects)."""
    problems = err.params.get("problems")
    if not problems:
        out.errors.append(CellError(err.params.get("row") or 0, err.params.get("column") or "", engine_message(err)))
        return
    seen = {(e.row, e.column, e.message) for e in out.errors}
    for q in problems:
        if skip_headers and q.get("error") in ("unknown_header", "bad_mapping", "duplicate_header", "empty_header"):
            continue
        ce = CellError(q["row"], q["column"], _problem_message(q))
        if (ce.row, ce.column, ce.message) in seen:  # the second reading repeats the first one's bad cells
            continue
        out.errors.append(ce)
        if q.get("error") == "unknown_header":
            out.unknown.append({"column": q["column"], "header": q["header"], "suggestions": q.get("suggestions", [])})


def parse_table(path: str | Path, *, framework_id: str, year: int, published_on: dt.date | None = None,
                mapping: dict[str, str] | None = None, registry=None) -> TablePreview:
    """Read and check a published table as the ministry prints it (:func:`chiso.io.read_published`,
    the reader of the command line too); match every unit name as of ``published_on`` (default
    31/12 of ``year``). Writes nothing.

    Headers name the framework's nodes by name or code; "Chỉ số DTI" / "Tổng điểm" is the total,
    "Xếp hạng" / "rank:<code>" a rank, STT is ignored; ``mapping`` maps a header as written to a
    code (``rank:<code>``) or to ``""`` (ignore it).  The preview keeps how every column was read
    and, for each unknown header, the closest names.
    """
    fw = frameworks.get_framework(framework_id)
    as_of = published_on or dt.date(year, 12, 31)
    out = TablePreview(framework_id=fw.id, year=year, published_on=published_on, as_of=as_of,
                       mapping=dict(mapping or {}))
    province = fw.level == "province"
    if province:
        out.basis = _provinces_in_force(as_of)
    def read_file(with_mapping):
        return read_published(path, fw, limits=imports.limits(), data_date=as_of if province else None,
                              mapping=with_mapping, registry=registry)

    try:
        out.sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        read_as = read_file(mapping)
        out.columns = read_as.columns
    except InputError as e:
        out.columns = e.params.get("columns", [])
        _add_problems(out, e)
        if not out.unknown:
            return out
        # The rest of the file is checked too, the unknown columns left aside (they are listed above).
        try:
            read_as = read_file({**(mapping or {}), **{u["header"]: "" for u in out.unknown}})
        except InputError as again:
            _add_problems(out, again, skip_headers=True)
            return out
    except OSError:
        out.errors.append(CellError(0, "", _("Không đọc được tệp.")))
        return out
    read = read_as
    out.is_demo = read.says_demonstration
    table = read.table
    value_cols = [c for c in read.columns if c["kind"] in ("value", "total")]
    out.codes = [c["code"] for c in value_cols]
    out.rank_codes = list(dict.fromkeys(c["code"] for c in read.columns if c["kind"] == "rank"))
    letters = {c["code"]: c["letter"] for c in value_cols}
    for i, name in enumerate(table.units):
        unit = read.units.get(name)
        prow = PreviewRow(row=table.rows.get(name, 0), name=name)
        if unit is not None:
            prow.unit_ref, prow.unit_name = unit.id, unit.short_name or unit.name
        given = {c: float(table.values[i, j]) for j, c in enumerate(table.codes) if not math.isnan(table.values[i, j])}
        given.update(read.checks.get(name, {}))
        for code in out.codes:
            if code not in given:
                continue
            v = given[code]
            node = fw.node(code)
            lo, hi = node.value_range if node.is_indicator else (0.0, 1.0)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                out.errors.append(CellError(prow.row, letters[code], _(
                    "Giá trị {value} nằm ngoài khoảng [{lo}; {hi}].").format(
                    value=format_number(float(v), lang=active_language()), lo=format_number(lo, lang=active_language()) if lo is not None else "−∞",
                    hi=format_number(hi, lang=active_language()) if hi is not None else "+∞")))
                continue
            prow.values[code] = v
        prow.ranks = dict(read.ranks.get(name, {}))
        out.rows.append(prow)
    if province and out.basis and len(out.rows) < out.basis:
        out.warnings.append(_("Bảng có {n} tỉnh, ít hơn {basis} tỉnh, thành phố có hiệu lực ngày {date}: thứ hạng "
                              "tính lại chỉ so với các tỉnh có trong bảng.").format(
            n=len(out.rows), basis=out.basis, date=as_of.strftime("%d/%m/%Y")))
    return out


def save_table(preview: TablePreview, actor: audit.Actor, *, title: str, source: str, file_name: str = "",
               kind: str = PublishedTable.Kind.IMPORT, is_demo: bool = False,
               row_sources: dict[int, str] | None = None) -> PublishedTable:
    """Write a checked preview, all or nothing. Raises ``ValueError`` when the preview has errors."""
    if not preview.ok:
        raise ValueError(_("Tệp còn {n} lỗi; không có gì được ghi.").format(n=len(preview.errors)))
    with transaction.atomic():
        table = PublishedTable.objects.create(
            framework_id=preview.framework_id, year=preview.year, title=title, kind=kind, source=source,
            file_name=file_name, sha256=preview.sha256, is_demo=is_demo or preview.is_demo, created_by=actor.user,
            published_on=preview.published_on, basis=preview.basis, headers=preview.columns,
        )
        objs = []
        for r in preview.rows:
            src = (row_sources or {}).get(r.row, source)
            for code in dict.fromkeys([*r.values, *r.ranks]):
                objs.append(PublishedValue(
                    table=table, unit_ref=r.unit_ref, unit_name=r.unit_name or r.name, code=code,
                    value=r.values.get(code), rank=r.ranks.get(code), row=r.row, source=src,
                ))
        PublishedValue.objects.bulk_create(objs, batch_size=500)
        audit.record(actor, "results.table.import", table, after={
            "framework": table.framework_id, "year": table.year, "rows": len(preview.rows),
            "values": len(objs), "sha256": table.sha256, "file": file_name,
            "published_on": preview.published_on.isoformat() if preview.published_on else None,
            "basis": preview.basis, "mapping": preview.mapping,
        })
        announce_publication(table)
        return table


# --- after a publication ------------------------------------------------------------------------------

_after_publication: list[Callable[[PublishedTable], None]] = []


def after_publication(callback: Callable[[PublishedTable], None]) -> Callable[[PublishedTable], None]:
    """Register ``callback(table)`` to run after a real published table is recorded (see the module's
    docstring).  Registering the same callback twice keeps one; returns it (usable as a decorator)."""
    if callback not in _after_publication:
        _after_publication.append(callback)
    return callback


def announce_publication(table: PublishedTable) -> None:
    """Run the registered callbacks for ``table`` once the current transaction commits (at once outside
    one); nothing for a demonstration table."""
    if table.is_demo:
        return

    def run():
        for callback in list(_after_publication):
            callback(table)

    transaction.on_commit(run)
