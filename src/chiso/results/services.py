"""Results logic shared by pages, management commands and the API.

- ``parse_table`` reads a published table (CSV/.xlsx) and matches unit names; it writes nothing
  (the preview and the dry-run are the same call).  ``save_table`` writes a checked preview in one
  transaction with one audit row: all or nothing.
- ``run_from_table`` computes the index on published values of every province.
- ``run_from_round`` computes the province's index from its approved collected values; peers' raw
  values are unknown, so indicators are scored against goalposts (entered by the department or
  fitted on the last published edition) and the page says so.
Every run stores its inputs, goalposts and the engine's recipe, so it can be replayed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.engine.compute import Result, compute
from chiso.engine.errors import EngineError, InputError, UnitError
from chiso.engine.framework import Framework
from chiso.engine.scoring import MinMax, fit_minmax
from chiso.io import compare_published, read_published
from chiso.lib import frameworks, imports
from chiso.lib.vn_format import format_number
from chiso.orgs import audit

from .models import Goalpost, IndexRun, PublishedTable, PublishedValue, Target

DEFAULT_TARGET_RANK = 20
# No target recorded (results.Target): rank 20, said to be a default, not anyone's decision.
DEFAULT_TARGET_BASIS = gettext_noop("Mặc định (chưa nhập)")  # shown translated
DEMO_LABEL = "DỮ LIỆU MINH HỌA"


# --- messages ------------------------------------------------------------------------------------


def engine_message(err: EngineError) -> str:
    """A Vietnamese sentence for an engine error (the web layer translates codes, see STYLE §7)."""
    p = err.params
    if err.code == "unknown_unit":
        s = _("Không nhận ra đơn vị “{name}”.").format(name=p.get("name", ""))
        if p.get("suggestions"):
            s += " " + _("Có phải: {names}?").format(names=", ".join(p["suggestions"]))
        return s
    if err.code == "unit_not_valid":
        return _("Đơn vị “{name}” không còn hiệu lực vào ngày {date}.").format(
            name=p.get("name", ""), date=_vn_iso(p.get("as_of")))
    if err.code == "ambiguous_unit":
        return _("Tên “{name}” ứng với nhiều đơn vị; hãy ghi mã tỉnh.").format(name=p.get("name", ""))
    if err.code == "no_unit_column":
        return _("Cột đầu tiên phải là cột đơn vị (tiêu đề “unit” hoặc “tỉnh”).")
    if err.code == "empty_file":
        return _("Tệp không có dòng số liệu nào.")
    if err.code == "bad_file_type":
        return _("Không đọc được tệp: hãy lưu dưới dạng .xlsx hoặc CSV UTF-8.")
    if err.code in imports.FILE_CODES:
        return imports.file_error_message(err)
    if err.code == "bad_header":
        return _("Dòng tiêu đề có cột trống hoặc cột trùng tên.")
    if err.code == "missing_value":
        return _("Thiếu giá trị bắt buộc: {n} ô.").format(n=len(p.get("cells", [])) or 1)
    from chiso.messages import headline

    return headline(err.code, "vi")


def _vn_iso(s: str | None) -> str:
    try:
        return dt.date.fromisoformat(s).strftime("%d/%m/%Y") if s else ""
    except ValueError:
        return s or ""


# --- import of a published table -----------------------------------------------------------------


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
    def read(with_mapping):
        return read_published(path, fw, limits=imports.limits(), data_date=as_of if province else None,
                              mapping=with_mapping, registry=registry)

    try:
        out.sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        read_as = read(mapping)
        out.columns = read_as.columns
    except InputError as e:
        out.columns = e.params.get("columns", [])
        _add_problems(out, e)
        if not out.unknown:
            return out
        # The rest of the file is checked too, the unknown columns left aside (they are listed above).
        try:
            read_as = read({**(mapping or {}), **{u["header"]: "" for u in out.unknown}})
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
                    value=format_number(float(v)), lo=format_number(lo) if lo is not None else "−∞",
                    hi=format_number(hi) if hi is not None else "+∞")))
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
        return table


# --- the province --------------------------------------------------------------------------------


def home_province(day=None) -> tuple[str, str]:
    """``(reference id, short name)`` of the province this platform serves on ``day`` (default today):
    the unit of the standing body in force that day (Sở KH&CN of the merged province in 2026, Sở TT&TT
    of its predecessor in 2017), else of any standing body, else the first province."""
    from chiso.orgs.issuers import standing_body
    from chiso.orgs.models import Agency, Unit

    day = day or timezone.localdate()
    latest = (F("valid_from").desc(nulls_last=True), "pk")
    agency = standing_body(day) or (
        Agency.objects.filter(is_standing_body=True).select_related("unit").order_by(*latest).first()
    )
    unit = agency.unit if agency is not None else Unit.objects.filter(kind=Unit.Kind.PROVINCE).first()
    while unit is not None and unit.kind != Unit.Kind.PROVINCE and unit.parent_id:
        unit = unit.parent
    if unit is None:
        return "", ""
    from chiso.reference import load_registry

    reg = load_registry()
    if unit.ref_id in reg:
        u = reg.get(unit.ref_id)
        return u.id, u.short_name or u.name
    return unit.ref_id, unit.name


def target_for(framework_id: str) -> tuple[int, str]:
    t = Target.objects.filter(framework_id=framework_id).first()
    return (t.rank, t.basis) if t is not None else (DEFAULT_TARGET_RANK, _(DEFAULT_TARGET_BASIS))


# --- computing -----------------------------------------------------------------------------------


def _summary(result: Result, unit: str, target_rank: int) -> dict[str, Any]:
    """Per node at depth ≤ 1: the unit's score and rank, the best unit, and the score at the target rank."""
    fw = result.framework
    out: dict[str, Any] = {"nodes": []}
    i = result.units.index(unit)
    contrib = result.contributions_to_root()[i]
    # Reference rows (``__lo__``, ``__hi__``) hold goalposts, not provinces: never a best or a rank.
    real = np.array([not u.startswith("__") for u in result.units])
    projection = not real.all()
    for j, code in enumerate(result.codes):
        if fw.depth(code) > 1:
            continue
        col = np.where(real, result.scores[:, j], np.nan)
        finite = ~np.isnan(col)
        best = threshold = best_unit = None
        if finite.any() and not projection:
            k = int(np.nanargmax(col))
            best, best_unit = float(col[k]), result.units[k]
            ordered = np.sort(col[finite])[::-1]
            # Every unit's score, best first: the threshold of any target rank, should the target change.
            out.setdefault("ladder", {})[code] = [float(v) for v in ordered]
            if len(ordered) >= target_rank:
                threshold = float(ordered[target_rank - 1])
        node = fw.node(code)
        out["nodes"].append({
            "code": code, "name": node.label("vi"), "name_en": node.label("en"), "depth": fw.depth(code),
            "score": _f(result.scores[i, j]), "rank": None if projection else result.rank_of(unit, code),
            "best": best, "best_unit": best_unit, "threshold": threshold,
            "contribution": _f(contrib[j]), "scored": bool(getattr(node, "scored", True)),
        })
    return out


def _f(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or np.isnan(x) else float(x)


def _matrix_json(a: np.ndarray) -> list[list[float | None]]:
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]


def main_table(summary: dict[str, Any], *, target_rank: int) -> dict[str, Any]:
    """The dashboard's numbers for one run: the root and each main index (depth 1) with the
    province's score, its rank, the best unit and the score at ``target_rank``, and the bar and
    radar chart series.

    Pure function of the run's ``summary``, stored with the run at compute time
    (``summary["dashboard"]``) and recomputed only when the target rank has changed since.
    Where peers' main indices are published (``summary["ranking"]``) the rank, best and threshold
    come from that ranking.  A threshold needs the scores of every unit (``ladder``); runs stored
    before the ladder existed keep the threshold of their own target rank only.
    """
    ranking = summary.get("ranking") or {}
    peers = {n["code"]: n for n in ranking.get("nodes", [])}
    same_target = summary.get("target_rank") == target_rank

    def placed(n: dict) -> dict:
        n = dict(n)
        source = ranking if n["code"] in peers else summary
        if n["code"] in peers:
            n.update({k: peers[n["code"]][k] for k in ("rank", "best", "best_unit", "threshold")})
        ladder = (source.get("ladder") or {}).get(n["code"])
        if ladder is not None:
            n["threshold"] = ladder[target_rank - 1] if len(ladder) >= target_rank else None
        elif not same_target:
            n["threshold"] = None
        n["gap"] = (n["score"] - n["threshold"]) if n["score"] is not None and n["threshold"] is not None else None
        return n

    nodes = [placed(n) for n in summary.get("nodes", []) if n["depth"] == 1]
    root = next((placed(n) for n in summary.get("nodes", []) if n["depth"] == 0), None)
    scored = [n for n in nodes if n["scored"]]
    return {
        "target_rank": target_rank, "nodes": nodes, "root": root,
        "chart": {"labels": [n["name"] for n in scored], "labels_en": [n["name_en"] for n in scored],
                  "score": [n["score"] for n in scored], "best": [n["best"] for n in scored],
                  "threshold": [n["threshold"] for n in scored]},
    }


def _store(result: Result, *, unit: str, unit_ref: str, actor: audit.Actor, **fields) -> IndexRun:
    target_rank, _basis = target_for(result.framework.id)
    summary = _summary(result, unit, target_rank)
    summary["target_rank"] = target_rank
    summary.update(fields.pop("summary_extra", {}))
    # Precomputed here, once, so that the dashboard does not rebuild it on every view.
    summary["dashboard"] = main_table(summary, target_rank=target_rank)
    i = result.units.index(unit)
    run = IndexRun(
        framework_id=result.framework.id, unit_ref=unit_ref, unit_name=unit, recipe=result.recipe,
        output={"units": list(result.units), "codes": list(result.codes),
                "scores": _matrix_json(result.scores), "ranks": _matrix_json(result.ranks),
                "sources": {f"{u}|{c}": s for (u, c), s in result.sources.items()}},
        summary=summary, score=_f(result.scores[i, 0]), created_by=actor.user, **fields,
    )
    if "n_units" not in fields:
        run.n_units = len(result.units)
    if run.rank is None and "rank" not in fields:
        run.rank = result.rank_of(unit)
    with transaction.atomic():
        run.save()
        audit.record(actor, "results.run.create", run, after={
            "framework": run.framework_id, "year": run.year, "basis": run.basis, "score": run.score,
            "rank": run.rank, "inputs_sha256": result.recipe.get("inputs_sha256"),
        })
    return run


def run_from_table(table: PublishedTable, actor: audit.Actor, *, unit_ref: str | None = None) -> IndexRun:
    """Compute the index over every province of a published table that gives values at the
    framework's input level; the province is ``unit_ref`` (default: the home province on the
    table's date, else today's).  The published values of the nodes above the inputs (the total)
    and the published ranks are compared with the recomputed ones: ``summary["check"]``
    (:func:`chiso.io.compare_published`).  Raises ``ValueError`` (a sentence) when the province
    has no complete row."""
    fw = frameworks.get_framework(table.framework_id)
    rows = list(table.values.filter(value__isnull=False).values_list("unit_ref", "unit_name", "code", "value", "source"))
    codes = [c for c in fw.codes if any(r[2] == c for r in rows) and c != fw.root.code]
    # A published table with values at depth 1 gives the main indices: compute from them.
    inputs = [c for c in codes if fw.depth(c) == 1] or codes
    units: dict[str, str] = {}
    data: dict[str, dict[str, float]] = {}
    checks: dict[str, dict[str, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    above = {a for c in inputs for a in fw.ancestors(c)}
    for ref, name, code, value, src in rows:
        if code in above:
            checks.setdefault(name, {})[code] = value
        if code not in inputs:
            continue
        units[ref] = name
        data.setdefault(name, {})[code] = value
        sources[(name, code)] = src or table.source
    complete = [n for n in data if all(c in data[n] for c in inputs)]
    dropped = sorted(set(data) - set(complete))
    if not inputs:
        raise ValueError(_("Bảng “{t}” chỉ có tổng điểm hoặc thứ hạng, không có chỉ số chính để tính lại.").format(
            t=table.title))
    day = table.published_on or dt.date(table.year, 12, 31)
    unit_ref = unit_ref or next((r for r in (home_province(day)[0], home_province()[0]) if r in units),
                                home_province()[0])
    if unit_ref not in units or units[unit_ref] not in complete:
        raise ValueError(_("Bảng “{t}” không có đủ số liệu của tỉnh để tính.").format(t=table.title))
    unit = units[unit_ref]
    result = compute(fw, {n: data[n] for n in complete}, sources=sources)
    ranks: dict[str, dict[str, int]] = {}
    for name, code, rank in table.values.filter(rank__isnull=False).values_list("unit_name", "code", "rank"):
        ranks.setdefault(name, {})[code] = rank
    note = ""
    if dropped:
        note = _("Bỏ qua {n} tỉnh thiếu số liệu: {names}.").format(n=len(dropped), names=", ".join(dropped))
    return _store(
        result, unit=unit, unit_ref=unit_ref, actor=actor, year=table.year, basis=IndexRun.Basis.PUBLISHED,
        title=_("{fw} năm {year} — từ bảng “{t}”").format(fw=fw.label("vi"), year=table.year, t=table.title),
        is_demo=table.is_demo, table=table, note=note,
        inputs={"units": complete, "codes": inputs, "values": [[data[n][c] for c in inputs] for n in complete],
                "dropped": dropped},
        summary_extra={"check": compare_published(result, checks, ranks)},
    )


# How agencies' values of one indicator make the province's (HC-COMBINE): one rule for every page,
# run and report (docs/reports.md, "Counts add up").
COMBINE_RULES = ("sum", "mean")
# a unit naming a rate, a share or a score: its agencies' values are averaged
_RATE_MARKS = ("%", "/")
_RATE_WORDS = ("điểm", "tỷ lệ", "tỉ lệ", "chỉ số")


def combine_rule(fw: Framework | None, code: str) -> str:
    """``"sum"`` or ``"mean"``: how several agencies' values of indicator ``code`` give the province's.

    1. ``combine: sum|mean`` set on the indicator or on its nearest ancestor in the framework YAML;
    2. else by the indicator's unit: a unit that counts things ("hồ sơ", "dịch vụ", "văn bản") is
       summed (each agency reports its own share of the province's dossiers);
    3. else — a percentage, a ratio ("thuê bao/100 dân"), a score, or no unit — the mean.
    """
    if fw is None:
        return "mean"
    try:
        chain = [code, *fw.ancestors(code)]
        node = fw.node(code)
    except (EngineError, KeyError):
        return "mean"
    for c in chain:
        rule = str(fw.node(c).extra.get("combine", "")).strip().lower()
        if rule in COMBINE_RULES:
            return rule
    unit = (node.unit or "").strip().lower()
    rate = any(m in unit for m in _RATE_MARKS) or unit.startswith(_RATE_WORDS)
    return "sum" if unit and not rate else "mean"


def combine(fw: Framework | None, code: str, numbers: list[float]) -> float | None:
    """The province's value of ``code`` from its agencies' ``numbers`` (:func:`combine_rule`);
    None when no agency has one."""
    if not numbers:
        return None
    return float(sum(numbers)) if combine_rule(fw, code) == "sum" else float(np.mean(numbers))


def province_values(rnd) -> tuple[dict[str, float], dict[str, list[dict]]]:
    """The province's raw value per indicator from the round's *approved* submissions.

    Several agencies may report the same indicator: their values combine by :func:`combine_rule`
    (counts such as dossiers received are summed, rates and scores averaged).  Returns
    ``(values, origins)`` where ``origins[code]`` lists
    ``{"agency", "agency_id", "value", "submission_id"}``.
    """
    from chiso.collection.models import Submission, Value

    try:
        fw = frameworks.get_framework(rnd.framework_id)
    except EngineError:
        fw = None
    qs = (Value.objects.filter(submission__round=rnd, submission__status=Submission.Status.APPROVED,
                               number__isnull=False)
          .values_list("code", "number", "submission_id", "submission__agency_id", "submission__agency__name")
          .order_by("code", "submission__agency__name"))
    origins: dict[str, list[dict]] = {}
    for code, number, sub_id, agency_id, agency in qs:
        origins.setdefault(code, []).append(
            {"agency": agency, "agency_id": agency_id, "value": number, "submission_id": sub_id})
    values = {c: combine(fw, c, [o["value"] for o in os_]) for c, os_ in origins.items()}
    return values, origins


def goalposts_for(fw: Framework, year: int) -> tuple[dict[str, tuple[float | None, float]], dict[str, str]]:
    """Goalposts per indicator: entered by the department, else fitted (``fit_minmax``) on the raw
    indicator values of the last published table of the framework up to ``year``."""
    out: dict[str, tuple[float | None, float]] = {}
    origin: dict[str, str] = {}
    for g in Goalpost.objects.filter(framework_id=fw.id):
        out[g.code] = (g.lo, g.hi)
        origin[g.code] = g.source + (f" ({DEMO_LABEL})" if g.is_demo else "")
    fitted, fitted_origin = fitted_goalposts(fw, year, [n.code for n in fw.indicators if n.code not in out])
    out.update(fitted)
    origin.update(fitted_origin)
    return out, origin


def fitted_goalposts(fw: Framework, year: int, codes: list[str]
                     ) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Goalposts of ``codes`` fitted (``fit_minmax``) on the raw indicator values of the last
    published table of the framework up to ``year``; codes the table lacks are left out."""
    out: dict[str, tuple[float, float]] = {}
    origin: dict[str, str] = {}
    if not codes:
        return out, origin
    table = (PublishedTable.objects.filter(framework_id=fw.id, year__lte=year, values__code__in=codes)
             .distinct().first())
    if table is None:
        return out, origin
    vals = table.values.filter(code__in=codes, value__isnull=False)
    units = sorted({v.unit_ref for v in vals})
    found = sorted({v.code for v in vals})
    mat = np.full((len(units), len(found)), np.nan)
    for v in vals:
        mat[units.index(v.unit_ref), found.index(v.code)] = v.value
    gp: MinMax = fit_minmax(mat)
    for k, code in enumerate(found):
        out[code] = (float(gp.lo_[0, k]), float(gp.hi_[0, k]))
        origin[code] = _("mốc tính từ bảng “{t}” ({n} tỉnh)").format(t=table.title, n=len(units))
    return out, origin


# --- target rank and goalposts entered by the department ---------------------------------------------

# Scoring rules that place a value between peers' minimum and maximum: they need goalposts when
# peers' raw values are unknown.  ``ratio_to_max`` needs only the maximum.
GOALPOST_RULES = ("minmax", "ratio_to_max", "zscore", "percentile")
LO_OPTIONAL_RULES = ("ratio_to_max",)


def goalpost_indicators(fw: Framework) -> list:
    """The framework's indicators whose scoring needs goalposts, in framework order."""
    return [n for n in fw.indicators if n.scoring is not None and n.scoring.rule in GOALPOST_RULES]


def max_rank(fw: Framework) -> int | None:
    """How many units are ranked in the framework's edition (63 provinces up to 2025), or None
    when the reference registry does not know the level."""
    from chiso.reference import load_registry

    try:
        n = len(load_registry().units_at(dt.date(int(fw.edition), 12, 31), level=fw.level))
    except (LookupError, TypeError, ValueError):
        return None
    return n or None


def set_target(fw: Framework, actor: audit.Actor, *, rank: int, basis: str, reason: str = "") -> Target:
    """Set the province's target rank for ``fw``: one transaction, one audit row."""
    with transaction.atomic():
        # Two department users saving at once: the row lock orders them, the last one wins and
        # both changes are in the audit trail with their own before/after.
        target = Target.objects.select_for_update().filter(framework_id=fw.id).first()
        before = {"rank": target.rank, "basis": target.basis} if target is not None else None
        after = {"rank": rank, "basis": basis}
        if before == after:
            return target
        if target is None:
            target = Target(framework_id=fw.id)
        target.rank, target.basis = rank, basis
        target.updated, target.updated_by = timezone.now(), actor.user
        target.save()
        audit.record(actor, "results.target.change", target, before=before, after=after, reason=reason,
                     object_repr=f"{fw.id}: {rank}")
    return target


@dataclass(frozen=True)
class GoalpostEntry:
    """One indicator's goalposts as the department wants them: ``lo``/``hi`` entered, or
    ``entered=False`` to take them from the last published edition."""

    code: str
    entered: bool
    lo: float | None = None
    hi: float | None = None


def save_goalposts(fw: Framework, entries: list[GoalpostEntry], actor: audit.Actor, *, source: str,
                   reason: str = "") -> int:
    """Write the goalposts of ``fw``, all or nothing, with one audit row listing every change
    (before/after per code).  Unchanged indicators keep their source.  Returns the number changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    with transaction.atomic():
        # Lock the framework's rows so that two simultaneous saves do not interleave half-way.
        current = {g.code: g for g in Goalpost.objects.select_for_update().filter(framework_id=fw.id)}
        for e in entries:
            g = current.get(e.code)
            old = {"lo": g.lo, "hi": g.hi, "source": g.source} if g is not None else None
            if not e.entered:
                if g is not None:
                    g.delete()
                    before[e.code], after[e.code] = old, None
                continue
            if g is not None and (g.lo, g.hi) == (e.lo, e.hi):
                continue
            if g is None:
                g = Goalpost(framework_id=fw.id, code=e.code)
            g.lo, g.hi, g.source, g.is_demo = e.lo, e.hi, source, False
            g.updated, g.updated_by = timezone.now(), actor.user
            g.save()
            before[e.code], after[e.code] = old, {"lo": e.lo, "hi": e.hi, "source": source}
        if after or before:
            audit.record(actor, "results.goalposts.change", ("results.goalpost", fw.id), before=before,
                         after=after, reason=reason, object_repr=f"{fw.id}: {len(after)}")
    return len(after)


def run_from_round(rnd, actor: audit.Actor) -> IndexRun:
    """Project the province's index from its approved values.

    Step 1 (score): the province's indicators are scored by the engine together with two
    reference rows, ``__lo__`` and ``__hi__``, holding the goalposts, so min–max and value ÷ max
    use the peers' range instead of the province alone (what ``apply_minmax`` with clipping does).
    Step 2 (rank): the province's main indices are placed among the peers' published values of the
    same edition: a full ranking when peers' main indices are published, otherwise a rank bracket
    between the published totals just above and below.
    """
    fw = frameworks.get_framework(rnd.framework_id)
    unit_ref, unit = home_province()
    values, origins = province_values(rnd)
    if not values:
        raise ValueError(_("Chưa có số liệu đã phê duyệt trong đợt “{t}”.").format(t=rnd.title))
    gps, gp_origin = goalposts_for(fw, rnd.year)
    indicators = [n.code for n in fw.indicators]
    missing_gp = [c for c in indicators if c in values and c not in gps
                  and fw.node(c).scoring and fw.node(c).scoring.rule in GOALPOST_RULES]
    used = [c for c in indicators if c in values and c not in missing_gp]
    no_value = [c for c in indicators if c not in values]
    data = {unit: {c: values[c] for c in used}}
    lo_row = {c: gps[c][0] for c in used if c in gps and gps[c][0] is not None}
    hi_row = {c: gps[c][1] for c in used if c in gps}
    if hi_row:
        data["__hi__"] = hi_row
    if lo_row:
        data["__lo__"] = lo_row
    sources = {(unit, c): "; ".join(f"{o['agency']}: {format_number(o['value'])}" for o in origins[c]) for c in used}
    for c in hi_row:
        sources[("__hi__", c)] = gp_origin.get(c, "")
    result = compute(fw, data, missing="reweight", sources=sources)

    # Step 2: place the province among its peers.
    names = [fw.node(c).label("vi") for c in missing_gp], [fw.node(c).label("vi") for c in no_value]
    note = [_("Ước tính: giá trị thô của các tỉnh khác chưa biết; các chỉ tiêu được chấm điểm theo mốc "
              "(giá trị nhỏ nhất/lớn nhất) do Sở nhập hoặc lấy từ kỳ công bố gần nhất.")]
    if missing_gp:
        note.append(_("Chưa có mốc cho {n} chỉ tiêu (không tính): {codes}.").format(
            n=len(missing_gp), codes="; ".join(names[0])))
    if no_value:
        note.append(_("Chưa có số liệu đã phê duyệt cho {n} chỉ tiêu (không tính): {codes}.").format(
            n=len(no_value), codes="; ".join(names[1])))
    mains = [c.code for c in fw.root.children]
    mine = {c: result.score(unit, c) for c in mains}
    # Coverage (HC-COVERAGE): a total reweighted over the main indices that have data is not the
    # index; placed among peers' totals it would claim a rank it has not earned.  With any scored main
    # index without data the run stores no rank and no bracket, and says on how many it is computed.
    scored_mains = [c.code for c in fw.root.children if c.scored]
    with_data = [c for c in scored_mains if mine.get(c) is not None and mine[c] == mine[c]]
    coverage = {"mains": len(with_data), "mains_total": len(scored_mains), "indicators": len(used),
                "indicators_total": len(indicators),
                "missing_mains": [fw.node(c).label("vi") for c in scored_mains if c not in with_data]}
    coverage["complete"] = coverage["mains"] == coverage["mains_total"] and len(used) == len(indicators)
    peers_table = (PublishedTable.objects.filter(framework_id=fw.id, year=rnd.year).order_by("-created").first())
    rank = rank_low = rank_high = None
    n_units = 1
    extra: dict[str, Any] = {"coverage": coverage}
    if len(with_data) < len(scored_mains):
        note.append(_("Tính trên {k}/{n} chỉ số thành phần (chưa có số liệu: {missing}); chưa đủ để xếp "
                      "hạng.").format(k=len(with_data), n=len(scored_mains),
                                     missing="; ".join(coverage["missing_mains"])))
    elif peers_table is not None:
        pv = list(peers_table.values.exclude(unit_ref=unit_ref).values_list("unit_name", "code", "value", "rank"))
        full: dict[str, dict[str, float]] = {}
        for name, code, value, _r in pv:
            if code in mains and value is not None:
                full.setdefault(name, {})[code] = value
        full = {n: d for n, d in full.items() if all(c in d for c in mains)}
        if full and all(v == v for v in mine.values()):
            ranked = compute(fw, {unit: mine, **full},
                             sources={**{(n, c): peers_table.source for n in full for c in mains},
                                      **{(unit, c): _("ước tính từ số liệu đã phê duyệt") for c in mains}})
            rank = ranked.rank_of(unit)
            n_units = len(ranked.units)
            extra["ranking"] = _summary(ranked, unit, target_for(fw.id)[0])
            note.append(_("Xếp hạng giữa {n} tỉnh có chỉ số thành phần công bố trong bảng “{t}”.").format(
                n=len(full), t=peers_table.title))
        else:
            totals = sorted(((v, r, n) for n, c, v, r in pv if c == fw.root.code and v is not None and r),
                            key=lambda t: -t[0])
            score = result.score(unit)
            above = [r for v, r, _n in totals if v > score]
            below = [r for v, r, _n in totals if v <= score]
            if totals:
                rank_low = (max(above) + 1) if above else 1
                rank_high = min(below) if below else None
                n_units = 63 if fw.level == "province" else len(totals) + 1
                note.append(_("Chỉ có tổng điểm của {n} tỉnh được công bố (“{t}”): thứ hạng ước tính là một "
                              "khoảng giữa các tỉnh công bố liền trên và liền dưới.").format(
                    n=len(totals), t=peers_table.title))
    else:
        note.append(_("Chưa có bảng công bố của các tỉnh cho năm {y}: chưa xếp hạng được.").format(y=rnd.year))
    extra["origins"] = origins
    extra["goalposts_origin"] = gp_origin
    return _store(
        result, unit=unit, unit_ref=unit_ref, actor=actor, year=rnd.year, basis=IndexRun.Basis.COLLECTED,
        title=_("{fw} năm {year} — ước tính từ đợt “{t}”").format(fw=fw.label("vi"), year=rnd.year, t=rnd.title),
        is_demo=rnd.is_demo or Goalpost.objects.filter(framework_id=fw.id, is_demo=True).exists(),
        is_projection=True, round=rnd, table=peers_table, note="\n".join(note),
        inputs={"units": list(data), "codes": used, "values": [[data[u].get(c) for c in used] for u in data],
                "province": values},
        goalposts={c: {"lo": gps[c][0], "hi": gps[c][1], "source": gp_origin.get(c, "")} for c in gps},
        rank=rank, rank_low=rank_low, rank_high=rank_high or None, n_units=n_units, summary_extra=extra,
    )


def partial_coverage(runs, pks: list[int]) -> dict[int, dict]:
    """HC-COVERAGE: run id -> its coverage (``summary["coverage"]``: main indices with data of all) for
    the runs among ``pks`` computed on only part of the main indices: they show no rank as fact.
    Runs stored before coverage was recorded have none."""
    out = {}
    for pk, cov in runs.filter(pk__in=pks).values_list("pk", "summary__coverage"):
        if isinstance(cov, dict) and cov.get("mains", 0) < cov.get("mains_total", 0):
            out[pk] = cov
    return out


def replay(run: IndexRun) -> Result:
    """Recompute a run from its stored inputs (the recipe's missing-data policy included)."""
    fw = frameworks.get_framework(run.framework_id)
    inp = run.inputs
    mat = np.array([[np.nan if v is None else v for v in row] for row in inp["values"]], dtype=float)
    miss = run.recipe.get("missing", {})
    policy = miss.get("policy", "error") + (":" + miss["method"] if miss.get("policy") == "impute" else "")
    return compute(fw, mat, units=inp["units"], codes=inp["codes"], missing=policy)


# --- the province today and across its merger -----------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One published or derived DTI figure of the province or of a province it was formed from."""

    year: int
    unit: str
    basis: int  # how many provinces the figure is ranked among (63 before 01/07/2025, 34 after)
    value: float | None
    rank: int | None
    is_demo: bool
    derived: bool  # computed here: the merged province as the mean of its former provinces
    source: str


@functools.lru_cache(maxsize=64)
def _provinces_in_force(day: dt.date) -> int:
    """How many provinces the shipped reference data holds in force on ``day`` (63, or 34 from
    01/07/2025): the basis a figure of that day is ranked on."""
    from chiso.reference import unit_records

    def ok(r):
        start, end = r.get("valid_from") or "", r.get("valid_to") or ""
        return (not start or start <= day.isoformat()) and (not end or day.isoformat() < end)

    return sum(1 for r in unit_records() if r["level"] == "province" and ok(r))


def position_today(day: dt.date | None = None) -> dict | None:
    """Where the province stands on ``day`` (default today) and how it got there across a merger:
    the province and standing body in force, the provinces it was formed from, and every DTI figure
    the database holds for them — published (with its source) or, where a table gives every former
    province's main indices, the merged province computed as the ministry computes the 34-province
    basis (each main index the mean of the former provinces', then ranked among all merged
    provinces), labelled as derived and, when the table is demonstration data, as such."""
    from chiso.orgs.models import Agency, Unit
    from chiso.reference import load_registry

    day = day or timezone.localdate()
    ref, short = home_province(day)
    prov = Unit.objects.filter(ref_id=ref).first()
    if prov is None:
        return None
    former = list(Unit.objects.filter(successor=prov, kind=Unit.Kind.PROVINCE).exclude(pk=prov.pk).order_by("name"))
    body = (Agency.objects.filter(is_standing_body=True, unit=prov).valid_on(day).first()
            or Agency.objects.filter(is_standing_body=True).valid_on(day).first())
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(parent__in=[prov]).valid_on(day).count()
    refs = {prov.ref_id: short, **{u.ref_id: u.name for u in former}}
    reg = load_registry()
    ends = dict(Unit.objects.filter(ref_id__in=refs).values_list("ref_id", "valid_to"))
    tables = list(PublishedTable.objects.filter(framework_id__startswith="vn-dti").order_by("year", "pk"))
    roots = {t.pk: frameworks.get_framework(t.framework_id).root.code for t in tables}
    values: dict[int, list[PublishedValue]] = {}
    for v in PublishedValue.objects.filter(table__in=tables, unit_ref__in=refs, code__in=set(roots.values())):
        if v.code == roots[v.table_id] and (v.value is not None or v.rank is not None):
            values.setdefault(v.table_id, []).append(v)
    points: list[Point] = []
    for table in tables:
        fw = frameworks.get_framework(table.framework_id)
        when = dt.date(table.year, 12, 31)
        for v in values.get(table.pk, []):
            end = ends.get(v.unit_ref)
            on = when if end is None or end > when else end - dt.timedelta(days=1)
            points.append(Point(table.year, v.unit_name, _provinces_in_force(on), v.value, v.rank, table.is_demo,
                                False, v.source or table.source))
        if former and prov.valid_from is not None and prov.valid_from > when:
            derived = _merged_point(table, fw, prov, former, reg)
            if derived is not None:
                points.append(derived)
    return {"day": day, "province": prov, "name": short, "former": former, "standing_body": body,
            "communes": communes, "points": points, "is_demo": any(p.is_demo for p in points)}


def _merged_point(table: PublishedTable, fw: Framework, prov, former, reg) -> Point | None:
    """The merged province's DTI for a table of former provinces, on the basis after the merger."""
    mains = [n.code for n in fw.nodes if fw.depth(n.code) == 1]
    data: dict[str, dict[str, float]] = {}
    for ref, code, value in table.values.filter(code__in=mains, value__isnull=False).values_list(
            "unit_ref", "code", "value"):
        data.setdefault(ref, {})[code] = value
    complete = {r: d for r, d in data.items() if all(c in d for c in mains) and r in reg}
    if not all(u.ref_id in complete for u in former):
        return None
    try:
        units = [reg.get(r) for r in complete]
        merge_map = reg.merge_map(units, prov.valid_from, former_as_of=dt.date(table.year, 12, 31))
        by_code = {u.code: u.id for u in units}
        merges, home = {}, None
        for new_code, olds in merge_map.items():
            new = reg.resolve(new_code, as_of=prov.valid_from)
            merges[new.id] = [by_code[o] for o in olds]
            if new.id == prov.ref_id:
                home = new.id
        if home is None:
            return None
        result = compute(fw, complete, merges=merges)
    except EngineError:
        return None
    i, root = result.units.index(home), result.codes.index(fw.root.code)
    return Point(table.year, prov.name, len(result.units), float(result.scores[i, root]), int(result.ranks[i, root]),
                 table.is_demo, True, table.source)
