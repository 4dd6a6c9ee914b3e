"""From a report's snapshot to a :class:`docgen.DocumentSpec` (one function per report kind).

Sentences and tables read the same snapshot values through the same formatter
(:func:`docgen.fmt`): a number in the text is the number in the table.

Template-ready (docs/reports.md, "Mẫu văn bản"): a builder writes the passages that carry figures,
each after a :class:`docgen.Part` marker, and the template's variables in ``spec.context``
(ready-to-print strings, booleans for the conditional sections, never None). Section headings and
fixed sentences are the wording of the kind's template (``reports/wording/<kind>.txt``, applied by
:mod:`.docgen.template`), which places the passages by name. Printed text names things (agencies,
indices, the lights' rule in words), never an internal code or a file path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from chiso.docgen import Chart, DocumentSpec, Header, Paragraph, Part, Signature, Table, fmt
from chiso.docgen.charts import LIGHT_COLORS
from chiso.docgen.words import DEMO_NOTE, end_sentence
from chiso.lib.vn_format import format_number

LIGHTS = {"green": "Đúng tiến độ", "amber": "Cần chú ý", "red": "Chậm / không đạt", "grey": "Chưa có số liệu"}
MINUS = "\u2212"  # as docgen.fmt writes a negative number: kept with its digits at a line break


# --- words ---------------------------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _num(v) -> str:
    """A KPI's value as typed: whole numbers as such, others to 2 decimals (0,69; 1.234,5)."""
    if v is None:
        return "—"
    if float(v).is_integer():
        return fmt(v, "int")
    text = format_number(round(float(v), 2))
    return MINUS + text[1:] if text.startswith("-") else text


def _body(who: dict, *, capital: bool = False) -> str:
    """The issuing body in a sentence; "cơ quan thường trực" when none is in force on the date."""
    if who.get("found", True):
        return who["issuing_body"]
    return "Cơ quan thường trực" if capital else "cơ quan thường trực"


def _index_name(fw: dict) -> str:
    """The index as a sentence names it, without the catalogue's edition ("… cấp tỉnh — từ 2016",
    "(DTI) 2020 — QĐ 1726/QĐ-BTTTT"): the document says its own year."""
    name = fw["name"].split(" — ")[0].strip()
    return re.sub(r"\s+(19|20)\d\d$", "", name)


def _source(title: str, fw: dict, year, *, is_demo: bool = False) -> str:
    """Where a result comes from, as "(nguồn: …)" says it: a run's title without the index and year
    the document already names ("bảng “…”", "ước tính từ đợt “…”"), demonstration data said once."""
    prefix = f"{fw['name']} năm {year} — "
    text = title[len(prefix):] if title.startswith(prefix) else title
    text = text[3:] if text.startswith("từ ") else text
    if is_demo and "minh họa" not in text.lower():
        text += " (minh họa)"
    return text


# --- header, signature, recipients ---------------------------------------------------------------------


def number_symbol(typed: str, symbol: str, doc_code: str = "BC") -> str:
    """ "Số: 12/BC-STTTT" from the number field however it was typed: "12", "12/BC", "12/BC-STTTT"
    or "Số: 12/BC-STTTT" print it once; a number below 10 takes its leading zero (NĐ 30/2020: "05");
    another symbol typed in full ("12/BC-UBND") is kept; nothing typed leaves room to write the number."""
    own = f"{doc_code}-{symbol}" if symbol else doc_code
    text = re.sub(r"^\s*số\s*:?\s*", "", typed or "", flags=re.IGNORECASE).strip()
    number, _slash, rest = text.partition("/")
    number, rest = number.strip(), re.sub(r"\s+", "", rest).strip("/")
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    if rest and not own.upper().startswith(rest.upper()):
        own = rest
    return f"Số: {number or '      '}/{own}"


def _header(snap: dict, params: dict, subject: str) -> Header:
    who = snap["issuer"]
    # the date the issuer was read for (snapshots before issuers by date: the generation's date)
    day = _doc_day(snap, params)
    return Header(
        parent_body=who["parent_body"],
        issuing_body=who["issuing_body"],
        number_symbol=number_symbol(params.get("number") or "", who.get("symbol") or ""),
        place=who["province"] or "",
        date=day,
        doc_type="BÁO CÁO",
        subject=subject,
    )


def _doc_day(snap: dict, params: dict) -> dt.date:
    who = snap["issuer"]
    return dt.date.fromisoformat(params.get("date") or who.get("day") or snap["generated_at"][:10])


def _signature(params: dict) -> Signature:
    return Signature(
        authority=params.get("sign_authority", ""),
        title=params.get("sign_title") or "GIÁM ĐỐC",
        name=params.get("sign_name", ""),
    )


def _filed(snap: dict) -> str:
    symbol = snap["issuer"].get("symbol")
    return f"VT, {symbol}" if symbol else "VT"


def _recipients(snap: dict, first: list[str]) -> list[str]:
    return [*first, f"- Lưu: {_filed(snap)}."]


def _local(snap: dict) -> str:
    """The local People's Committees in force on the document's date: districts, or (from the
    two-level local government of 01/07/2025) communes and wards; "" when the data has neither."""
    return snap["issuer"].get("local_bodies", "UBND các huyện, thành phố")  # snapshots before issuers by date


def _local_bodies(snap: dict) -> list[str]:
    local = _local(snap)
    return [f"- {local};"] if local else []


def _context(snap: dict, params: dict) -> dict[str, Any]:
    """The variables every report's template may use (docs/reports.md lists them)."""
    who = snap["issuer"]
    prog = snap.get("program") or {}
    p = prog.get("program") or {}
    has_program = bool(prog.get("available"))
    return {
        "tinh": who.get("province") or "",
        "co_quan": _body(who),
        "co_quan_dau_cau": _body(who, capital=True),
        "ngay_van_ban": _doc_day(snap, params).strftime("%d/%m/%Y"),
        "luu": _filed(snap),
        "dia_phuong": _local(snap) or "",
        "minh_hoa": bool(snap.get("is_demo")),
        "co_chuong_trinh": has_program,
        "chuong_trinh": p.get("title", "") if has_program else "",
        "so_quyet_dinh": p.get("decision", "") if has_program else "",
        "ngay_quyet_dinh": _day(p["date"]) if has_program and p.get("date") else "",
        "noi_ban_hanh_quyet_dinh": p.get("issuer", "") if has_program else "",
    }


def _spec(snap: dict, params: dict, subject: str, blocks: list, recipients: list[str], context: dict,
          file_title: str) -> DocumentSpec:
    return DocumentSpec(
        header=_header(snap, params, subject),
        blocks=blocks,
        recipients=_recipients(snap, recipients),
        signature=_signature(params),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=file_title,
        context={**_context(snap, params), **context},
    )


# --- ranks ---------------------------------------------------------------------------------------------


def _partial(cov: dict | None) -> bool:
    """A run computed on part of the main indices (``run["coverage"]``; None for runs stored before
    coverage was kept, and for runs on every province's published values)."""
    return bool(cov) and cov.get("mains", 0) < cov.get("mains_total", 0)


def _on_k_of_n(cov: dict) -> str:
    return f"tính trên {cov['mains']}/{cov['mains_total']} chỉ số thành phần"


def _estimated_rank(low, high) -> str:
    """An estimated rank: "ước tính hạng 8" (one end known, or both the same), "ước tính trong
    khoảng hạng 8–10"; "" when neither end is known."""
    ends = sorted({int(r) for r in (low, high) if r})
    if not ends:
        return ""
    if len(ends) == 1:
        return f"ước tính hạng {ends[0]}"
    return f"ước tính trong khoảng hạng {ends[0]}–{ends[1]}"


def _rank_text(run: dict) -> str:
    """The run's rank as a sentence may state it: none from incomplete data."""
    cov = run.get("coverage")
    if _partial(cov):
        return f"chưa đủ để xếp hạng ({_on_k_of_n(cov)})"
    rank, n = run["rank"], run["n_units"]
    if rank:
        return f"hạng {fmt(rank, 'rank')}/{n}" if n else f"hạng {fmt(rank, 'rank')}"
    return _estimated_rank(run.get("rank_low"), run.get("rank_high")) or "chưa xác định được thứ hạng"


def _rank_cell(t: dict) -> str:
    if t["rank"]:
        return fmt(t["rank"], "rank")
    if _partial(t.get("coverage")):
        return "chưa đủ để xếp hạng"
    return _estimated_rank(t.get("rank_low"), t.get("rank_high")) or "—"


# --- the action program: tasks, KPIs, progress reports, recommendations -------------------------------


def _program_parts(prog: dict, *, recs_open_only: bool, with_progress: bool = False, chart: bool = False) -> list:
    """The program's passages: ``nhiem_vu`` (the tasks' counts and table, the KPIs; the progress
    reports of the period with ``with_progress``; the chart of the tasks with ``chart``) and
    ``kien_nghi`` (the recommendations)."""
    blocks: list = [Part("nhiem_vu", "Tình hình thực hiện nhiệm vụ, chỉ tiêu")]
    if not prog.get("available"):
        blocks.append(Paragraph(prog.get("note") or "Chưa có số liệu chương trình hành động.", italic=True))
        blocks.append(Part("kien_nghi", "Kiến nghị của các cơ quan"))
        blocks.append(Paragraph(prog.get("note") or "Chưa có số liệu chương trình hành động.", italic=True))
        return blocks
    tasks = prog["tasks"]
    counts = {k: sum(1 for t in tasks if t["light"] == k) for k in LIGHTS}
    closed = f"{prog['closed_note']} " if prog.get("closed_note") else ""  # said in the sentence itself
    blocks.append(
        Paragraph(
            f"{closed}Chương trình có {fmt(len(tasks), 'int')} nhiệm vụ{_drafts_left_out(prog)}: "
            f"{fmt(counts['green'], 'int')} đúng tiến độ, "
            f"{fmt(counts['amber'], 'int')} cần chú ý, {fmt(counts['red'], 'int')} chậm hoặc không đạt, "
            f"{fmt(counts['grey'], 'int')} chưa có số liệu. Đánh giá chung: {LIGHTS[prog['light']].lower()}."
        )
    )
    if chart and tasks:
        blocks.append(_tasks_chart(tasks, counts))
    blocks.append(
        Table(
            "tasks",
            "Tình hình thực hiện các nhiệm vụ",
            ["STT", "Nhiệm vụ", "Chủ trì", "Tình hình (báo cáo gần nhất)", "% hoàn thành", "Đánh giá"],
            ["rank", "text", "text", "text", "int", "text"],
            [
                [
                    t["number"],
                    t["title"],
                    t["lead"],
                    (f"{t['status']} ({t['period']})" if t["status"] else "Chưa báo cáo"),
                    t["percent"],
                    LIGHTS[t["light"]],
                ]
                for t in tasks
            ],
            widths_cm=[1.3, 4.9, 2.8, 3.3, 1.8, 2.4],
        )
    )
    kpis = [(t, k) for t in tasks for k in t["kpis"]]
    if kpis:
        blocks.append(
            Table(
                "kpis",
                "Các chỉ tiêu của nhiệm vụ",
                ["Nhiệm vụ", "Chỉ tiêu", "Giá trị gốc", "Mục tiêu", "Thực tế", "Đánh giá"],
                ["rank", "text", "text", "text", "text", "text"],
                [
                    [
                        t["number"],
                        f"{k['name']}" + (f" ({k['unit']})" if k["unit"] else ""),
                        _num(k["baseline"]),
                        _num(k["target"]),
                        _num(k["actual"]),
                        LIGHTS[k["light"]],
                    ]
                    for t, k in kpis
                ],
                widths_cm=[1.6, 6.3, 2.0, 2.0, 2.0, 2.6],
                note="Giá trị thực tế: số liệu đã phê duyệt của chỉ tiêu do các cơ quan báo cáo, hoặc giá trị "
                "cơ quan báo cáo trong báo cáo tiến độ đã phê duyệt.",
            )
        )
    if with_progress:
        prs = prog.get("progress", [])
        blocks.append(
            Paragraph(f"Trong kỳ báo cáo có {fmt(len(prs), 'int')} báo cáo tiến độ đã được phê duyệt.")
        )
        if prs:
            blocks.append(
                Table(
                    "progress",
                    "Báo cáo tiến độ đã phê duyệt trong kỳ",
                    ["Kỳ", "Nhiệm vụ", "Cơ quan", "Tình hình", "%"],
                    ["text", "text", "text", "text", "int"],
                    [
                        [p["period"], f"{p['task']}. {p['task_title']}", p["agency"], p["status"], p["percent"]]
                        for p in prs
                    ],
                    widths_cm=[2.2, 5.5, 3.2, 3.8, 1.8],
                )
            )
    blocks.append(Part("kien_nghi", "Kiến nghị của các cơ quan"))
    recs = [r for r in prog["recommendations"] if r["open"]] if recs_open_only else prog["recommendations"]
    if recs_open_only or not recs:
        blocks.append(Paragraph(_open_sentence(prog) + ("" if recs_open_only else " Không có kiến nghị nào trong kỳ.")))
    else:
        blocks.append(
            Paragraph(
                _open_sentence(prog)[:-1] + f"; tổng số kiến nghị gửi trong kỳ và còn mở: {fmt(len(recs), 'int')}."
            )
        )
    if recs:
        blocks.append(
            Table(
                "recommendations",
                "Kiến nghị của các cơ quan",
                ["STT", "Cơ quan gửi", "Nội dung", "Ngày gửi", "Trạng thái"],
                ["rank", "text", "text", "text", "text"],
                [
                    [i + 1, r["agency"], r["title"], _day(r["created"]), r["status"]]
                    for i, r in enumerate(recs)
                ],
                widths_cm=[1.3, 3.2, 6.4, 2.3, 3.3],
                note=(
                    f"Trạng thái tại ngày {_day(prog['recs_day'])}, theo lịch sử xử lý từng kiến nghị."
                    if prog.get("recs_day")
                    else ""
                ),
            )
        )
    return blocks


def _tasks_chart(tasks: list[dict], counts: dict[str, int]) -> Chart:
    """Each task's share done (its latest approved progress report), its bar in its light's colour,
    the lights with their counts as the legend."""
    return Chart(
        "tasks",
        "Mức độ hoàn thành của từng nhiệm vụ",
        "hbar",
        [f"Nhiệm vụ {t['number']}" for t in tasks],
        [("Hoàn thành (%)", [t["percent"] for t in tasks])],
        y_label="Hoàn thành (%), theo báo cáo tiến độ đã phê duyệt gần nhất",
        colors=[LIGHT_COLORS[t["light"]] for t in tasks],
        legend=[(f"{label} ({fmt(counts[k], 'int')})", LIGHT_COLORS[k]) for k, label in LIGHTS.items()],
        bar_labels=[f"{fmt(t['percent'], 'int')}%" if t["percent"] is not None else "chưa báo cáo" for t in tasks],
        value_range=(0, 100),
        caption="Hình 1. Mức độ hoàn thành của từng nhiệm vụ theo báo cáo tiến độ đã phê duyệt gần nhất; màu cột "
        "là đánh giá của nhiệm vụ: mức thấp nhất giữa đánh giá theo báo cáo gần nhất và thời hạn (quá hạn mà chưa "
        "hoàn thành là chậm) và đánh giá các chỉ tiêu của nhiệm vụ.",
    )


def _open_sentence(prog: dict) -> str:
    """How many recommendations were open on the report's date (each one's status that day, from its
    steps: submitted, assigned or escalated to the UBND tỉnh), escalated ones said."""
    recs = prog["recommendations"]
    n = prog.get("open_count", sum(1 for r in recs if r["open"]))
    up = prog.get("escalated_count", 0)
    when = f"Đến ngày {_day(prog['recs_day'])}, " if prog.get("recs_day") else ""
    if not n:
        return (when + "không có kiến nghị nào đang chờ xử lý.") if when else "Không có kiến nghị nào đang chờ xử lý."
    text = f"{when}có {fmt(n, 'int')} kiến nghị đang chờ xử lý"
    if up:
        text += f", trong đó {fmt(up, 'int')} kiến nghị đã trình UBND tỉnh"
    return _cap(text + ".")


def _drafts_left_out(prog: dict) -> str:
    d = prog.get("drafts") or 0
    return f" đã ban hành (không tính {fmt(d, 'int')} nhiệm vụ dự thảo chưa ban hành)" if d else ""


# --- annual -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Annual:
    """What every part of the annual report reads: the snapshot's figures, named once."""

    fw: dict
    run: dict
    root: dict
    year: Any
    T: Any
    province: str
    where: str
    comps: list
    known: list
    weak: list

    @classmethod
    def of(cls, snap: dict) -> _Annual:
        who = snap["issuer"]
        province = snap.get("unit") or who["province"] or ""
        comps = snap["components"]
        return cls(
            fw=snap["framework"],
            run=snap["run"],
            root=snap["root"],
            year=snap["year"],
            T=snap["target_rank"],
            province=province,
            where=f"tỉnh {province}" if province else "tỉnh",
            comps=comps,
            known=[c for c in comps if c["threshold"] is not None],
            weak=sorted([c for c in comps if c["weak"]], key=lambda c: c["gap"]),
        )


def _annual_overview(a: _Annual, snap: dict) -> list:
    """Part 1: the score and rank (or an estimate that says so), the target and its threshold."""
    fw, run, root, year, T, where = a.fw, a.run, a.root, a.year, a.T, a.where
    blocks: list = [Part("ket_qua_chung", "Kết quả chung: điểm, thứ hạng, mục tiêu")]
    cov = run.get("coverage")
    source = _source(run["title"], fw, year)
    if _partial(cov):
        # a figure from incomplete data says so in the sentence and claims no rank
        missing = "; ".join(cov.get("missing_mains") or [])
        sentence = (
            f"Năm {year}, điểm ước tính của {where} là {fmt(run['score'], 'score')}, {_on_k_of_n(cov)}"
            + (f" (chưa có số liệu: {missing})" if missing else "")
            + f", không phải điểm của cả bộ chỉ số; chưa đủ để xếp hạng (nguồn: {source})."
        )
    else:
        sentence = f"Năm {year}, {where} đạt {fmt(run['score'], 'score')} điểm, {_rank_text(run)} (nguồn: {source})."
        if cov and cov.get("indicators", 0) < cov.get("indicators_total", 0):
            sentence += (
                f" Điểm được tính trên {cov['indicators']}/{cov['indicators_total']} chỉ tiêu có số liệu "
                "đã phê duyệt."
            )
    if run["projection"]:
        sentence += " Đây là kết quả ước tính từ số liệu đã phê duyệt của tỉnh, chưa phải kết quả Bộ công bố."
    blocks.append(Paragraph(sentence))
    goal = f"Mục tiêu: hạng {T} ({snap['target_basis']})." if snap.get("target_basis") else f"Mục tiêu: hạng {T}."
    if root.get("threshold") is not None:
        best = f"Tỉnh dẫn đầu ({root['best_unit']})" if root.get("best_unit") else "Tỉnh dẫn đầu"
        blocks.append(
            Paragraph(
                f"{goal} Điểm của tỉnh xếp hạng {T} là {fmt(root['threshold'], 'score')}; chênh lệch của tỉnh so "
                f"với ngưỡng này là {fmt(root['gap'], 'delta_score')}. {best} đạt {fmt(root.get('best'), 'score')} điểm."
            )
        )
    else:
        blocks.append(
            Paragraph(f"{goal} Chưa có đủ số liệu của các tỉnh để xác định điểm của tỉnh xếp hạng {T}.")
        )
    return blocks


def _annual_trend(a: _Annual, snap: dict) -> list:
    """Part 2: the years' table and the rank chart with the target line."""
    fw, T, where = a.fw, a.T, a.where
    blocks: list = []
    trend = snap["trend"]
    blocks.append(Part("xu_huong", "Bảng và biểu đồ kết quả qua các năm"))
    blocks.append(
        Table(
            "trend",
            f"Bảng 1. Kết quả của {where} qua các năm",
            ["Năm", "Điểm", "Hạng", "Nguồn"],
            ["rank", "score", "text", "text"],
            [
                [
                    t["year"],
                    t["score"],
                    _rank_cell(t),
                    _cap(_source(t["source"], fw, t["year"], is_demo=t["is_demo"]))
                    + (f" ({_on_k_of_n(t['coverage'])})" if _partial(t.get("coverage")) else ""),
                ]
                for t in trend
            ],
            widths_cm=[1.6, 2.2, 2.8, 9.9],
        )
    )
    ranks = [t["rank"] or t["rank_low"] or t["rank_high"] for t in trend]
    if any(ranks):
        blocks.append(
            Chart(
                "trend",
                f"Thứ hạng của {where} qua các năm",
                "line",
                [str(t["year"]) for t in trend],
                [("Hạng", ranks)],
                invert_y=True,
                hline=(T, f"Mục tiêu: hạng {T}"),
                y_label="Hạng",
                caption=f"Hình 1. Thứ hạng qua các năm (đường đứt: mục tiêu hạng {T}).",
            )
        )
    return blocks


def _annual_components(a: _Annual) -> list:
    """Part 3: the components against the target's threshold and the leader, table and chart."""
    T, where, province, comps, known = a.T, a.where, a.province, a.comps, a.known
    blocks: list = []
    blocks.append(Part("chi_so_thanh_phan", "Bảng và biểu đồ các chỉ số thành phần"))
    blocks.append(
        Table(
            "components",
            f"Bảng 2. Chỉ số thành phần so với ngưỡng hạng {T} và tỉnh dẫn đầu",
            [
                "Chỉ số thành phần",
                "Điểm",
                "Hạng",
                f"Ngưỡng hạng {T}",
                "Chênh lệch với ngưỡng",
                "Cao nhất",
                "Chênh lệch với cao nhất",
            ],
            ["text", "score", "rank", "score", "delta_score", "score", "delta_score"],
            [[c["name"], c["score"], c["rank"], c["threshold"], c["gap"], c["best"], c["gap_best"]] for c in comps],
            widths_cm=[4.6, 1.8, 1.3, 2.1, 2.3, 1.9, 2.5],
            note=f"Ngưỡng hạng {T}: điểm của tỉnh xếp hạng {T} ở chỉ số đó; chênh lệch âm: thấp hơn.",
        )
    )
    if known:
        blocks.append(
            Chart(
                "components",
                f"Chỉ số thành phần: {where}, ngưỡng hạng {T} và tỉnh cao nhất",
                "bar",
                [c["name"] for c in comps],
                [
                    (province or "Tỉnh", [c["score"] for c in comps]),
                    (f"Ngưỡng hạng {T}", [c["threshold"] for c in comps]),
                    ("Cao nhất", [c["best"] for c in comps]),
                ],
                y_label="Điểm (0–1)",
                caption="Hình 2. Điểm các chỉ số thành phần.",
            )
        )
    return blocks


def _annual_strengths(a: _Annual) -> list:
    """Part 4: strengths and weaknesses (or why they cannot be told yet)."""
    T, comps, known, weak = a.T, a.comps, a.known, a.weak
    blocks: list = []
    blocks.append(Part("diem_manh_yeu", "Điểm mạnh, điểm yếu"))
    strong = sorted([c for c in comps if c["strong"]], key=lambda c: -c["gap"])
    if not known:
        blocks.append(
            Paragraph(
                "Chưa có số liệu của các tỉnh khác ở cấp chỉ số thành phần nên chưa so sánh được với ngưỡng "
                f"hạng {T} và tỉnh dẫn đầu; bảng trách nhiệm dưới đây liệt kê mọi chỉ số thành phần."
            )
        )
    else:
        blocks.append(
            Paragraph(
                end_sentence(
                    f"Điểm mạnh (đạt hoặc vượt ngưỡng hạng {T}): "
                    + (
                        "; ".join(
                            f"{c['name']} ({fmt(c['score'], 'score')}, hạng {fmt(c['rank'], 'rank')}, "
                            f"{fmt(c['gap'], 'delta_score')} so với ngưỡng)"
                            for c in strong
                        )
                        or "không có"
                    )
                )
            )
        )
        blocks.append(
            Paragraph(
                end_sentence(
                    f"Điểm yếu (thấp hơn ngưỡng hạng {T}, từ xa nhất): "
                    + (
                        "; ".join(
                            f"{c['name']} ({fmt(c['score'], 'score')}, hạng {fmt(c['rank'], 'rank')}, "
                            f"{fmt(c['gap'], 'delta_score')} so với ngưỡng"
                            + (f"; tỉnh dẫn đầu {c['best_unit']} " if c.get("best_unit") else "; tỉnh dẫn đầu ")
                            + f"{fmt(c['best'], 'score')})"
                            for c in weak
                        )
                        or "không có"
                    )
                )
            )
        )
    return blocks


def _annual_responsibility(a: _Annual) -> list:
    """Part 5: who leads and supports each weak component (every component when none is compared)."""
    T = a.T
    blocks: list = []
    blocks.append(Part("trach_nhiem", "Bảng cơ quan chủ trì, phối hợp cải thiện các chỉ số yếu"))
    accountable = a.weak if a.known else a.comps
    if accountable:
        blocks.append(
            Table(
                "responsibility",
                "Bảng 3. Cơ quan chủ trì, phối hợp cải thiện từng chỉ số",
                ["Chỉ số thành phần", "Chênh lệch với ngưỡng", "Cơ quan chủ trì", "Cơ quan phối hợp"],
                ["text", "delta_score", "text", "text"],
                [
                    [
                        c["name"],
                        c["gap"],
                        # local bodies counted, not listed (snapshots before "lead_short": the names)
                        ((c.get("lead_short") or ", ".join(c["lead"]))
                         + (" (đề xuất, chưa có văn bản phân công)" if c.get("proposal") else ""))
                        or "Chưa phân công",
                        c.get("support_short") or ", ".join(c["support"]) or "—",
                    ]
                    for c in accountable
                ],
                widths_cm=[3.8, 2.2, 4.6, 5.9],
                note="Theo ma trận trách nhiệm (phân công chủ trì, phối hợp theo từng chỉ số), các cơ quan đang hoạt "
                "động vào ngày báo cáo (chủ trì/phối hợp ở chỉ số đó, kế thừa từ chỉ số cấp trên, hoặc ở chỉ tiêu "
                "thuộc chỉ số đó); “đề xuất”: phân công được đề xuất từ số liệu, chưa có văn bản phân công.",
            )
        )
        unassigned = [c["name"] for c in accountable if not c["lead"]]
        if unassigned:
            blocks.append(
                Paragraph(
                    end_sentence("Chưa có cơ quan chủ trì: " + ", ".join(unassigned))
                    + " Đề nghị phân công trong ma trận trách nhiệm.",
                    italic=True,
                )
            )
    else:
        blocks.append(Paragraph(f"Không có chỉ số thành phần nào thấp hơn ngưỡng hạng {T}."))
    return blocks


def build_annual(snap: dict, params: dict) -> DocumentSpec:
    a = _Annual.of(snap)
    fw, year, T, where, known, weak = a.fw, a.year, a.T, a.where, a.known, a.weak
    who, prog = snap["issuer"], snap["program"]
    index = _index_name(fw)
    subject = f"Phân tích kết quả {index} năm {year} của {where}"
    blocks = _annual_overview(a, snap) + _annual_trend(a, snap) + _annual_components(a)
    blocks += _annual_strengths(a) + _annual_responsibility(a)
    plan = snap.get("plan") or {}  # snapshots before plans were carried have none
    blocks.append(Part("ke_hoach", "Kế hoạch đạt hạng mục tiêu: bảng và nhiệm vụ đề xuất giao"))
    blocks += _plan_blocks(plan) if "plan" in snap else []
    blocks += _program_parts(prog, recs_open_only=True)
    has_plan = bool(plan.get("available") and plan.get("rows"))
    blocks.append(Part("de_xuat", "Đề xuất theo kế hoạch: mục tiêu của từng cơ quan chủ trì"))
    if has_plan:
        # what each lead agency is to reach by when: the plan's rows, not one request to all
        blocks += _plan_proposals(plan, who)
    return _spec(
        snap,
        params,
        subject,
        blocks,
        ["- UBND tỉnh (để báo cáo);", "- Ban Chỉ đạo CNTT tỉnh;", "- Các sở, ban, ngành;", *_local_bodies(snap)],
        {
            "nam": str(year),
            "bo_chi_so": index,
            "dia_ban": where,
            "hang_muc_tieu": str(T),
            "tam_tinh": bool(fw.get("status_note")),
            # the provisional index named with its decision and status ("Bộ chỉ số … (405/QĐ-BKHCN) — cấu
            # trúc tạm, …"), the name's own "Chỉ số" not doubled
            "bo_chi_so_tam_tinh": re.sub(r"^Bộ chỉ số Chỉ số ", "Bộ chỉ số ", fw.get("sentence") or "")
            if fw.get("status_note")
            else "",
            "in_ke_hoach": "plan" in snap,
            "co_ke_hoach": has_plan,
            "da_so_sanh": bool(known),
            "chi_so_yeu": ", ".join(c["name"] for c in weak),
        },
        f"bao-cao-phan-tich-{year}",
    )


def _lead_text(lead: str, proposal: bool) -> str:
    if not lead:
        return "Chưa phân công"
    return lead + (" (đề xuất, chưa có văn bản phân công)" if proposal else "")


def _plan_blocks(plan: dict) -> list:
    """The least-cost plan to the target rank (``snap["plan"]``, ``program.services.plan_tasks.plan_state``): its
    sentence, the table component / now / target / agency / deadline, and the assignments made from
    it (drafts said to be drafts, not yet issued)."""
    if not plan.get("available"):
        return [Paragraph(plan.get("note") or "Chưa lập kế hoạch đạt hạng mục tiêu.", italic=True)]
    k, rows = plan["target_rank"], plan.get("rows") or []
    made = _day(plan["created"]) if plan.get("created") else "—"
    text = (
        f"Kế hoạch chi phí thấp nhất lập ngày {made}"
        + (f" trên kết quả “{plan['run_title']}”" if plan.get("run_title") else "")
        + f" ({plan.get('peers_text') or 'các tỉnh khác giữ nguyên số liệu'}): để đạt hạng {k}, tỉnh cần nâng "
        f"{fmt(len(rows), 'int')} chỉ số; điểm tổng từ {fmt(plan.get('score_before'), 'score')} lên "
        f"{fmt(plan.get('score_after'), 'score')}, hạng từ {fmt(plan.get('rank_before'), 'rank')} lên "
        f"{fmt(plan.get('rank_after'), 'rank')} (tính lại với các giá trị đã làm tròn như in trong bảng). "
        + (
            "Kế hoạch đã được chứng minh là có chi phí thấp nhất trong các giới hạn đã đặt."
            if plan.get("exact")
            else "Kế hoạch đạt hạng mục tiêu nhưng chưa được chứng minh là có chi phí thấp nhất."
        )
    )
    blocks: list = [Paragraph(text)]
    blocks.append(
        Table(
            "plan",
            f"Bảng 4. Kế hoạch đạt hạng {k}: chỉ số cần nâng, cơ quan chủ trì và thời hạn",
            ["Chỉ số thành phần", "Hiện nay", "Mục tiêu", "Cơ quan chủ trì", "Thời hạn"],
            ["text", "score", "score", "text", "text"],
            [
                [
                    r["name"],
                    r["from"],
                    r["to"],
                    _lead_text(r.get("lead") or "", bool(r.get("lead_proposal"))),
                    _day(r["deadline"]) if r.get("deadline") else "—",
                ]
                for r in rows
            ],
            widths_cm=[4.5, 1.9, 1.9, 5.5, 2.7],
            note="Cơ quan chủ trì theo ma trận trách nhiệm vào ngày lập kế hoạch; “đề xuất”: phân công được đề "
            "xuất từ số liệu, chưa có văn bản phân công.",
        )
    )
    tasks = plan.get("assignments") or []
    drafts = [t for t in tasks if t.get("draft")]
    if not tasks:
        blocks.append(Paragraph("Kế hoạch chưa được giao thành nhiệm vụ của chương trình hành động."))
        return blocks
    blocks.append(
        Paragraph(
            f"Từ kế hoạch đã lập {fmt(len(tasks), 'int')} nhiệm vụ đề xuất giao"
            + (
                f", trong đó {fmt(len(drafts), 'int')} nhiệm vụ còn là dự thảo, chưa được ban hành (chưa tính "
                "trong tình hình thực hiện nhiệm vụ dưới đây)."
                if drafts
                else "; các nhiệm vụ này đã được ban hành."
            )
        )
    )
    blocks.append(
        Table(
            "assignments",
            "Bảng 5. Nhiệm vụ đề xuất giao theo kế hoạch",
            ["STT", "Nhiệm vụ", "Chủ trì", "Mục tiêu", "Thời hạn", "Tình trạng"],
            ["text", "text", "text", "score", "text", "text"],
            [
                [
                    t.get("number") or "",
                    t["title"],
                    t.get("lead") or "Chưa phân công",
                    t.get("target"),
                    _day(t["deadline"]) if t.get("deadline") else "—",
                    "Dự thảo, chưa ban hành" if t.get("draft") else "Đã ban hành",
                ]
                for t in tasks
            ],
            widths_cm=[1.3, 5.8, 3.2, 1.9, 2.2, 2.1],
        )
    )
    return blocks


def _plan_proposals(plan: dict, who: dict) -> list:
    """What each lead agency is to reach by when, from the plan's rows (one line per agency)."""
    by_lead: dict[tuple[str, bool], list[dict]] = {}
    for r in plan["rows"]:
        by_lead.setdefault((r.get("lead") or "", bool(r.get("lead_proposal"))), []).append(r)
    made = f" lập ngày {_day(plan['created'])}" if plan.get("created") else ""
    blocks: list = [Paragraph(f"Để tỉnh đạt hạng {plan['target_rank']} theo kế hoạch{made}, đề nghị:")]
    for (lead, proposal), rows in by_lead.items():
        goals = "; ".join(
            f"{r['name']} từ {fmt(r['from'], 'score')} lên {fmt(r['to'], 'score')}"
            + (f" trước ngày {_day(r['deadline'])}" if r.get("deadline") else " (chưa đặt thời hạn)")
            for r in rows
        )
        if lead:
            blocks.append(Paragraph(end_sentence(f"- {_lead_text(lead, proposal)} chủ trì nâng {goals}")))
        else:
            blocks.append(
                Paragraph(f"- Chưa có cơ quan chủ trì nâng {goals}: đề nghị phân công trong ma trận trách nhiệm.")
            )
    blocks.append(Paragraph(f"Các cơ quan chủ trì báo cáo kết quả thực hiện về {_body(who)} theo định kỳ hằng quý."))
    return blocks


# --- quarterly ----------------------------------------------------------------------------------------


def _rate(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


def _on_time_rate(v: dict | None) -> float | None:
    """Dossiers settled on time ÷ (on time + late), in %; None without data."""
    if not v:
        return None
    return _rate(v.get("ho_so_dung_han") or 0, (v.get("ho_so_dung_han") or 0) + (v.get("ho_so_tre_han") or 0))


def _online_rate(v: dict | None) -> float | None:
    if not v:
        return None
    return _rate(v.get("ho_so_truc_tuyen") or 0, v.get("ho_so_tiep_nhan") or 0)


def _g(v: dict | None, code: str):
    return None if not v else v.get(code)


def _delta(a, b):
    return None if a is None or b is None else a - b


def _quarter(year: int, quarter: int) -> str:
    return f"quý {quarter}/{year}"


def _previous(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _by_agency(snap: dict, cells) -> tuple[list[list], list[int]]:
    """One row per agency (``cells(values)``), a subtotal per group, the province's total last; the
    indices of the subtotal and total rows."""
    rows, bold = [], []
    for g in snap["groups"]:
        for r in g["rows"]:
            rows.append([r["agency"], *cells(r["values"])])
        bold.append(len(rows))
        rows.append([f"Cộng {g['label']}", *cells(g["total"])])
    bold.append(len(rows))
    rows.append(["Toàn tỉnh", *cells(snap["total"])])
    return rows, bold


def _on_time_chart(snap: dict, period: str) -> Chart | None:
    """Each agency's on-time rate (lowest first), the province's rate as a dashed line: the rate a
    reader compares, not counts of very different sizes (971 late against 34.079 received)."""
    rated = [(r["agency"], _on_time_rate(r["values"])) for g in snap["groups"] for r in g["rows"]]
    rated = [(name, rate) for name, rate in rated if rate is not None]  # no data, or nothing settled
    if not rated:
        return None
    rated.sort(key=lambda a: (a[1], a[0]))
    total = _on_time_rate(snap["total"])
    return Chart(
        "on_time",
        f"Tỷ lệ hồ sơ giải quyết đúng hạn {period} theo cơ quan, địa phương",
        "hbar",
        [name for name, _r in rated],
        [("Tỷ lệ đúng hạn (%)", [rate for _n, rate in rated])],
        y_label="Tỷ lệ đúng hạn (%)",
        hline=(total, f"Toàn tỉnh: {fmt(total, 'pct')}") if total is not None else None,
        bar_labels=[fmt(rate, "pct") for _n, rate in rated],
        value_range=(0, 100),
        caption=f"Hình 1. Tỷ lệ hồ sơ giải quyết đúng hạn {period} của từng cơ quan, địa phương, từ thấp đến cao "
        "(đường đứt: tỷ lệ toàn tỉnh); tỷ lệ đúng hạn = đúng hạn ÷ (đúng hạn + trễ hạn).",
    )


def _quarterly_dossiers(snap: dict, period: str, prev_period: str) -> list:
    """Dossiers received and settled: the sentence against the previous quarter and the agencies' table."""
    total, prev = snap["total"], snap["prev_total"]
    blocks: list = [Part("ho_so", "Tình hình tiếp nhận, giải quyết hồ sơ: số liệu và bảng theo cơ quan")]
    rec, onl = total["ho_so_tiep_nhan"], total["ho_so_truc_tuyen"]
    ok, late = total["ho_so_dung_han"], total["ho_so_tre_han"]
    text = (
        f"Trong {period}, các cơ quan tiếp nhận {fmt(rec, 'int')} hồ sơ, trong đó {fmt(onl, 'int')} hồ sơ "
        f"trực tuyến (tỷ lệ {fmt(_online_rate(total), 'pct')}); giải quyết đúng hạn {fmt(ok, 'int')} hồ sơ, trễ hạn "
        f"{fmt(late, 'int')} hồ sơ (tỷ lệ đúng hạn {fmt(_on_time_rate(total), 'pct')})."
    )
    if prev is not None:
        text += (
            f" So với {prev_period}, số hồ sơ tiếp nhận {fmt(_delta(rec, prev['ho_so_tiep_nhan']), 'delta_int')}, "
            f"hồ sơ trực tuyến {fmt(_delta(onl, prev['ho_so_truc_tuyen']), 'delta_int')}, hồ sơ trễ hạn "
            f"{fmt(_delta(late, prev['ho_so_tre_han']), 'delta_int')}."
        )
    else:
        text += f" Chưa có số liệu {prev_period} để so sánh."
    blocks.append(Paragraph(text))
    rows, bold = _by_agency(
        snap,
        lambda v: [
            _g(v, "ho_so_tiep_nhan"),
            _g(v, "ho_so_truc_tuyen"),
            _g(v, "ho_so_dung_han"),
            _g(v, "ho_so_tre_han"),
            _on_time_rate(v),
            _online_rate(v),
        ],
    )
    blocks.append(
        Table(
            "dossiers",
            f"Bảng 1. Hồ sơ thủ tục hành chính {period} theo cơ quan, địa phương",
            [
                "Cơ quan, địa phương",
                "Tiếp nhận",
                "Trực tuyến",
                "Đúng hạn",
                "Trễ hạn",
                "Tỷ lệ đúng hạn",
                "Tỷ lệ trực tuyến",
            ],
            ["text", "int", "int", "int", "int", "pct", "pct"],
            rows,
            total_rows=bold,
            widths_cm=[4.9, 1.9, 1.9, 1.9, 1.7, 2.1, 2.1],
            note="Tỷ lệ đúng hạn = đúng hạn ÷ (đúng hạn + trễ hạn); tỷ lệ trực tuyến = trực tuyến ÷ tiếp nhận. "
            "“—”: chưa có số liệu được phê duyệt.",
        )
    )
    return blocks


def _quarterly_comparison(snap: dict, period: str, prev_period: str) -> list:
    """The on-time chart and the two tables against the previous quarter."""
    total, prev = snap["total"], snap["prev_total"]
    blocks: list = []
    blocks.append(Part("bieu_do_dung_han", "Biểu đồ tỷ lệ đúng hạn theo cơ quan"))
    chart = _on_time_chart(snap, period)
    if chart is not None:
        blocks.append(chart)
    blocks.append(Part("so_sanh", "Bảng so sánh với quý trước"))
    labels = [
        ("ho_so_tiep_nhan", "Hồ sơ tiếp nhận"),
        ("ho_so_truc_tuyen", "Hồ sơ trực tuyến"),
        ("ho_so_dung_han", "Hồ sơ đúng hạn"),
        ("ho_so_tre_han", "Hồ sơ trễ hạn"),
        ("dvc_muc_3", "Dịch vụ công trực tuyến mức độ 3 được cung cấp"),
        ("dvc_muc_4", "Dịch vụ công trực tuyến mức độ 4 được cung cấp"),
    ]
    prev_head, head = _cap(prev_period), _cap(period)
    blocks.append(
        Table(
            "compare",
            f"Bảng 2. {head} so với {prev_period}",
            ["Chỉ tiêu", prev_head, head, "Tăng (+), giảm (−)"],
            ["text", "int", "int", "delta_int"],
            [[lab, prev[c] if prev else None, total[c], _delta(total[c], prev[c]) if prev else None] for c, lab in labels],
            widths_cm=[6.5, 3.3, 3.3, 3.4],
        )
    )
    blocks.append(
        Table(
            "compare_rates",
            f"Bảng 3. Tỷ lệ {period} so với {prev_period}",
            ["Tỷ lệ", prev_head, head, "Tăng (+), giảm (−)"],
            ["text", "pct", "pct", "delta_pct"],
            [
                [
                    "Tỷ lệ hồ sơ đúng hạn",
                    _on_time_rate(prev),
                    _on_time_rate(total),
                    _delta(_on_time_rate(total), _on_time_rate(prev)),
                ],
                [
                    "Tỷ lệ hồ sơ trực tuyến",
                    _online_rate(prev),
                    _online_rate(total),
                    _delta(_online_rate(total), _online_rate(prev)),
                ],
            ],
            widths_cm=[6.5, 3.3, 3.3, 3.4],
        )
    )
    return blocks


def _quarterly_services(snap: dict) -> list:
    """Online public services of levels 3 and 4, the sentence and the agencies' table."""
    total = snap["total"]
    blocks: list = []
    blocks.append(Part("dich_vu_cong", "Dịch vụ công trực tuyến mức độ 3, 4: số liệu và bảng theo cơ quan"))
    blocks.append(
        Paragraph(
            f"Các cơ quan đang cung cấp {fmt(total['dvc_muc_3'], 'int')} dịch vụ công trực tuyến mức độ 3 và "
            f"{fmt(total['dvc_muc_4'], 'int')} dịch vụ mức độ 4; trong quý có hồ sơ trực tuyến ở "
            f"{fmt(total['dvc_muc_3_phat_sinh'], 'int')} dịch vụ mức độ 3 và {fmt(total['dvc_muc_4_phat_sinh'], 'int')} "
            "dịch vụ mức độ 4."
        )
    )
    rows, bold = _by_agency(
        snap,
        lambda v: [_g(v, "dvc_muc_3"), _g(v, "dvc_muc_3_phat_sinh"), _g(v, "dvc_muc_4"), _g(v, "dvc_muc_4_phat_sinh")],
    )
    blocks.append(
        Table(
            "services",
            "Bảng 4. Dịch vụ công trực tuyến theo cơ quan, địa phương",
            ["Cơ quan, địa phương", "Mức 3 cung cấp", "Mức 3 có hồ sơ", "Mức 4 cung cấp", "Mức 4 có hồ sơ"],
            ["text", "int", "int", "int", "int"],
            rows,
            total_rows=bold,
            widths_cm=[6.1, 2.6, 2.6, 2.6, 2.6],
            note="Số dịch vụ toàn tỉnh là tổng số của các cơ quan (một dịch vụ do hai cơ quan cung cấp được tính hai lần).",
        )
    )
    return blocks


def _quarterly_missing_and_open(snap: dict) -> list:
    """The agencies with no approved figures, and the recommendations still open."""
    prog = snap["program"]
    blocks: list = []
    blocks.append(Part("chua_co_so_lieu", "Cơ quan chưa có số liệu"))
    if snap["missing"]:
        blocks.append(
            Paragraph(
                end_sentence(
                    f"{fmt(len(snap['missing']), 'int')} cơ quan chưa có số liệu được phê duyệt, không "
                    "được tính trong báo cáo: " + ", ".join(snap["missing"])
                )
            )
        )
    else:
        blocks.append(Paragraph("Tất cả các cơ quan đã có số liệu được phê duyệt."))
    blocks.append(Part("kien_nghi", "Kiến nghị đang chờ xử lý"))
    if prog.get("available"):
        open_recs = [r for r in prog["recommendations"] if r["open"]]
        lead = _open_sentence(prog)[:-1]
        blocks.append(
            Paragraph(
                end_sentence(lead + ": " + "; ".join(f"{r['agency']}: {r['title'].rstrip('.;, ')}" for r in open_recs))
                if open_recs
                else lead + "."
            )
        )
    else:
        blocks.append(Paragraph(prog.get("note", ""), italic=True))
    return blocks


def build_quarterly(snap: dict, params: dict) -> DocumentSpec:
    who, year, quarter = snap["issuer"], int(snap["year"]), int(snap["quarter"])
    period, prev_period = _quarter(year, quarter), _quarter(*_previous(year, quarter))
    late = snap["total"]["ho_so_tre_han"]
    subject = f"Tình hình ứng dụng Một cửa điện tử và dịch vụ công trực tuyến {period}"
    blocks = _quarterly_dossiers(snap, period, prev_period) + _quarterly_comparison(snap, period, prev_period)
    blocks += _quarterly_services(snap) + _quarterly_missing_and_open(snap)
    return _spec(
        snap,
        params,
        subject,
        blocks,
        ["- UBND tỉnh (để báo cáo);", "- Sở Nội vụ;", "- Các sở, ban, ngành;", *_local_bodies(snap)],
        {
            "ky": period,
            "ky_truoc": prev_period,
            "dia_ban": f"tỉnh {who['province']}" if who.get("province") else "tỉnh",
            "co_tre_han": bool(late),
        },
        f"bao-cao-quy-{quarter}-{year}",
    )


# --- program progress ----------------------------------------------------------------------------------


def build_progress(snap: dict, params: dict) -> DocumentSpec:
    d0, d1 = dt.date.fromisoformat(snap["date_from"]), dt.date.fromisoformat(snap["date_to"])
    prog = snap["program"]
    title = prog["program"]["title"] if prog.get("available") else "Chương trình hành động"
    subject = f"Tiến độ thực hiện {title} từ ngày {d0:%d/%m/%Y} đến ngày {d1:%d/%m/%Y}"
    blocks = _program_parts(prog, recs_open_only=False, with_progress=True, chart=True)
    return _spec(
        snap,
        params,
        subject,
        blocks,
        ["- UBND tỉnh (để báo cáo);", "- Các sở, ban, ngành;", *_local_bodies(snap)],
        {"ten_chuong_trinh": title, "tu_ngay": f"{d0:%d/%m/%Y}", "den_ngay": f"{d1:%d/%m/%Y}"},
        f"bao-cao-tien-do-{d0:%Y%m%d}-{d1:%Y%m%d}",
    )


BUILDERS = {"annual": build_annual, "quarterly": build_quarterly, "progress": build_progress}


def build(snap: dict[str, Any], params: dict) -> DocumentSpec:
    return BUILDERS[snap["kind"]](snap, params)
