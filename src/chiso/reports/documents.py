"""From a report's snapshot to a :class:`docgen.DocumentSpec` (one function per report kind).

Sentences and tables read the same snapshot values through the same formatter
(:func:`docgen.fmt`): a number in the text is the number in the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .docgen import Chart, DocumentSpec, Header, Heading, Paragraph, Signature, Table, fmt

DEMO_NOTE = (
    "DỮ LIỆU MINH HỌA / demonstration data — báo cáo này có số liệu do chiso tạo ra để minh họa, "
    "không phải số liệu thật."
)
LIGHTS = {"green": "Đúng tiến độ", "amber": "Cần chú ý", "red": "Chậm / không đạt", "grey": "Chưa có số liệu"}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class _Sections:
    def __init__(self):
        self.n = 0

    def __call__(self, text: str) -> Heading:
        self.n += 1
        return Heading(f"{ROMAN[self.n - 1]}. {text.upper()}")


def _body(who: dict, *, capital: bool = False) -> str:
    """The issuing body in a sentence; "cơ quan thường trực" when none is in force on the date."""
    if who.get("found", True):
        return who["issuing_body"]
    return "Cơ quan thường trực" if capital else "cơ quan thường trực"


def _header(snap: dict, params: dict, subject: str) -> Header:
    who = snap["issuer"]
    # the date the issuer was read for (snapshots before issuers by date: the generation's date)
    day = dt.date.fromisoformat(params.get("date") or who.get("day") or snap["generated_at"][:10])
    number = (params.get("number") or "").strip()
    symbol = f"/BC-{who['symbol']}" if who.get("symbol") else "/BC"
    return Header(
        parent_body=who["parent_body"],
        issuing_body=who["issuing_body"],
        number_symbol=f"Số: {number or '      '}{symbol}",
        place=who["province"] or "",
        date=day,
        doc_type="BÁO CÁO",
        subject=subject,
    )


def _signature(params: dict) -> Signature:
    return Signature(
        authority=params.get("sign_authority", ""),
        title=params.get("sign_title") or "GIÁM ĐỐC",
        name=params.get("sign_name", ""),
    )


def _recipients(snap: dict, first: list[str]) -> list[str]:
    symbol = snap["issuer"].get("symbol")
    return [*first, f"- Lưu: VT, {symbol}." if symbol else "- Lưu: VT."]


def _local_bodies(snap: dict) -> list[str]:
    """The local People's Committees in force on the document's date: districts, or (from the
    two-level local government of 01/07/2025) communes and wards; none when the data has neither."""
    who = snap["issuer"]
    local = who.get("local_bodies", "UBND các huyện, thành phố")  # snapshots before issuers by date
    return [f"- {local};"] if local else []


def _partial(cov: dict | None) -> bool:
    """A run computed on part of the main indices (``run["coverage"]``; None for runs stored before
    coverage was kept, and for runs on every province's published values)."""
    return bool(cov) and cov.get("mains", 0) < cov.get("mains_total", 0)


def _on_k_of_n(cov: dict) -> str:
    return f"tính trên {cov['mains']}/{cov['mains_total']} chỉ số thành phần"


def _rank_text(run: dict) -> str:
    """The run's rank as a sentence may state it: none from incomplete data."""
    cov = run.get("coverage")
    if _partial(cov):
        return f"chưa đủ để xếp hạng ({_on_k_of_n(cov)})"
    rank, low, high, n = run["rank"], run["rank_low"], run["rank_high"], run["n_units"]
    if rank:
        return f"hạng {fmt(rank, 'rank')}/{n}" if n else f"hạng {fmt(rank, 'rank')}"
    if low and high and low != high:
        return f"ước tính trong khoảng hạng {low}–{high}"
    if low:
        return f"ước tính hạng {low}"
    return "chưa xác định được thứ hạng"


def _program_blocks(
    prog: dict,
    sec: _Sections,
    *,
    tasks_title: str,
    recs_title: str,
    recs_open_only: bool,
    with_progress: bool = False,
) -> list:
    blocks: list = [sec(tasks_title)]
    if not prog.get("available"):
        blocks.append(Paragraph(prog.get("note") or "Chưa có số liệu chương trình hành động.", italic=True))
        blocks.append(sec(recs_title))
        blocks.append(Paragraph(prog.get("note") or "", italic=True))
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
                "Các chỉ tiêu (KPI)",
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
                note="Giá trị thực tế: số liệu đã phê duyệt của chỉ số thu thập trong chiso, hoặc giá trị cơ quan báo cáo "
                "trong báo cáo tiến độ đã phê duyệt.",
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
                        [
                            p["period"],
                            f"{p['task']}. {p['task_title']}",
                            p["agency"],
                            p["status"],
                            p["percent"],
                        ]
                        for p in prs
                    ],
                    widths_cm=[2.2, 5.5, 3.2, 3.8, 1.8],
                )
            )
    blocks.append(sec(recs_title))
    recs = [r for r in prog["recommendations"] if r["open"]] if recs_open_only else prog["recommendations"]
    if recs_open_only or not recs:
        blocks.append(Paragraph(_open_sentence(prog) + ("" if recs_open_only else " Không có kiến nghị nào trong kỳ.")))
    else:
        blocks.append(
            Paragraph(
                _open_sentence(prog)[:-1]
                + f"; tổng số kiến nghị gửi trong kỳ và còn mở: {fmt(len(recs), 'int')}."
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
                    [
                        i + 1,
                        r["agency"],
                        r["title"],
                        dt.date.fromisoformat(r["created"]).strftime("%d/%m/%Y"),
                        r["status"],
                    ]
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


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


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
    text += "."
    return text[0].upper() + text[1:]


def _drafts_left_out(prog: dict) -> str:
    d = prog.get("drafts") or 0
    return f" đã ban hành (không tính {fmt(d, 'int')} nhiệm vụ dự thảo chưa ban hành)" if d else ""


def _num(v) -> str:
    if v is None:
        return "—"
    return fmt(v, "int") if float(v).is_integer() else fmt(round(float(v), 2), "text").replace(".", ",")


# --- annual -------------------------------------------------------------------------------------------


def build_annual(snap: dict, params: dict) -> DocumentSpec:
    fw, run, root = snap["framework"], snap["run"], snap["root"]
    who, year, T = snap["issuer"], snap["year"], snap["target_rank"]
    province = snap.get("unit") or who["province"] or "tỉnh"
    sec = _Sections()
    prog = snap["program"]
    subject = f"Phân tích kết quả {fw['name']} năm {year} của tỉnh {province}"
    basis = (
        "Thực hiện mục 5b Chương trình hành động ban hành kèm theo Quyết định số "
        f"{prog['program']['decision']} ngày {dt.date.fromisoformat(prog['program']['date']):%d/%m/%Y} "
        f"của {prog['program']['issuer']}"
        if prog.get("available")
        else "Để phục vụ hội nghị phân tích, đánh giá kết quả chỉ số hằng năm"
    )
    blocks: list = [
        Paragraph(
            f"{basis}, trên cơ sở kết quả {fw['name']} năm {year}, {_body(who)} báo cáo phân tích kết quả, "
            "điểm mạnh, điểm yếu và trách nhiệm của các cơ quan như sau:"
        )
    ]
    if fw.get("status_note"):  # a provisional framework says so where it is named
        blocks.append(Paragraph(f"{fw['sentence']}: các điểm theo chỉ số chỉ là tạm tính.", italic=True))
    blocks.append(sec("Kết quả chung và xu hướng"))
    cov = run.get("coverage")
    if _partial(cov):
        # a figure from incomplete data says so in the sentence and claims no rank
        missing = "; ".join(cov.get("missing_mains") or [])
        sentence = (
            f"Năm {year}, điểm ước tính của tỉnh {province} là {fmt(run['score'], 'score')}, {_on_k_of_n(cov)}"
            + (f" (chưa có số liệu: {missing})" if missing else "")
            + f", không phải điểm của cả bộ chỉ số; chưa đủ để xếp hạng (nguồn: {run['title']})."
        )
    else:
        sentence = (
            f"Năm {year}, tỉnh {province} đạt {fmt(run['score'], 'score')} điểm, {_rank_text(run)} "
            f"(nguồn: {run['title']})."
        )
        if cov and cov.get("indicators", 0) < cov.get("indicators_total", 0):
            sentence += (
                f" Điểm được tính trên {cov['indicators']}/{cov['indicators_total']} chỉ tiêu có số liệu "
                "đã phê duyệt."
            )
    if run["projection"]:
        sentence += " Đây là kết quả ước tính từ số liệu đã phê duyệt của tỉnh, chưa phải kết quả Bộ công bố."
    blocks.append(Paragraph(sentence))
    if root.get("threshold") is not None:
        blocks.append(
            Paragraph(
                f"Mục tiêu: hạng {T} ({snap['target_basis']}). Điểm của tỉnh xếp hạng {T} là "
                f"{fmt(root['threshold'], 'score')}; chênh lệch của tỉnh so với ngưỡng này là "
                f"{fmt(root['gap'], 'delta_score')}. Tỉnh dẫn đầu ({root.get('best_unit') or '—'}) đạt "
                f"{fmt(root.get('best'), 'score')} điểm."
            )
        )
    else:
        blocks.append(
            Paragraph(
                f"Mục tiêu: hạng {T} ({snap['target_basis']}). Chưa có đủ số liệu của các tỉnh "
                f"để xác định điểm của tỉnh xếp hạng {T}."
            )
        )
    trend = snap["trend"]
    blocks.append(
        Table(
            "trend",
            f"Bảng 1. Kết quả của tỉnh {province} qua các năm",
            ["Năm", "Điểm", "Hạng", "Nguồn"],
            ["rank", "score", "text", "text"],
            [
                [
                    t["year"],
                    t["score"],
                    (
                        str(t["rank"])
                        if t["rank"]
                        else "chưa đủ để xếp hạng"
                        if _partial(t.get("coverage"))
                        else (f"{t['rank_low']}–{t['rank_high']} (ước tính)" if t["rank_low"] else "—")
                    ),
                    t["source"]
                    + (f" ({_on_k_of_n(t['coverage'])})" if _partial(t.get("coverage")) else "")
                    + (" (minh họa)" if t["is_demo"] else ""),
                ]
                for t in trend
            ],
            widths_cm=[1.6, 2.2, 2.8, 9.9],
        )
    )
    ranks = [t["rank"] or t["rank_low"] for t in trend]
    if any(ranks):
        blocks.append(
            Chart(
                "trend",
                f"Thứ hạng của tỉnh {province} qua các năm",
                "line",
                [str(t["year"]) for t in trend],
                [("Hạng", ranks)],
                invert_y=True,
                hline=(T, f"Mục tiêu: hạng {T}"),
                y_label="Hạng",
                caption=f"Hình 1. Thứ hạng qua các năm (đường đứt: mục tiêu hạng {T}).",
            )
        )
    comps = snap["components"]
    blocks.append(sec("Các chỉ số thành phần"))
    known = [c for c in comps if c["threshold"] is not None]
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
            [
                [c["name"], c["score"], c["rank"], c["threshold"], c["gap"], c["best"], c["gap_best"]]
                for c in comps
            ],
            widths_cm=[4.6, 1.8, 1.3, 2.1, 2.3, 1.9, 2.5],
            note="Ngưỡng hạng T: điểm của tỉnh xếp hạng T ở chỉ số đó; chênh lệch âm: thấp hơn.",
        )
    )
    if known:
        blocks.append(
            Chart(
                "components",
                f"Chỉ số thành phần: tỉnh {province}, ngưỡng hạng {T} và tỉnh cao nhất",
                "bar",
                [c["name"] for c in comps],
                [
                    (province, [c["score"] for c in comps]),
                    (f"Ngưỡng hạng {T}", [c["threshold"] for c in comps]),
                    ("Cao nhất", [c["best"] for c in comps]),
                ],
                y_label="Điểm (0–1)",
                caption="Hình 2. Điểm các chỉ số thành phần.",
            )
        )
    blocks.append(sec("Điểm mạnh, điểm yếu"))
    strong = sorted([c for c in comps if c["strong"]], key=lambda c: -c["gap"])
    weak = sorted([c for c in comps if c["weak"]], key=lambda c: c["gap"])
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
                "Điểm mạnh (đạt hoặc vượt ngưỡng hạng "
                + str(T)
                + "): "
                + (
                    "; ".join(
                        f"{c['name']} ({fmt(c['score'], 'score')}, hạng {fmt(c['rank'], 'rank')}, "
                        f"{fmt(c['gap'], 'delta_score')} so với ngưỡng)"
                        for c in strong
                    )
                    or "không có"
                )
                + "."
            )
        )
        blocks.append(
            Paragraph(
                "Điểm yếu (thấp hơn ngưỡng hạng "
                + str(T)
                + ", từ xa nhất): "
                + (
                    "; ".join(
                        f"{c['name']} ({fmt(c['score'], 'score')}, hạng {fmt(c['rank'], 'rank')}, "
                        f"{fmt(c['gap'], 'delta_score')} so với ngưỡng; tỉnh dẫn đầu {c['best_unit'] or '—'} "
                        f"{fmt(c['best'], 'score')})"
                        for c in weak
                    )
                    or "không có"
                )
                + "."
            )
        )
    blocks.append(sec("Trách nhiệm của các cơ quan đối với các chỉ số yếu"))
    accountable = weak if known else comps
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
                        (", ".join(c["lead"]) + (" (đề xuất, chưa có văn bản phân công)"
                                                 if c.get("proposal") else "")) or "Chưa phân công",
                        ", ".join(c["support"]) or "—",
                    ]
                    for c in accountable
                ],
                widths_cm=[3.8, 2.2, 4.6, 5.9],
                note="Theo ma trận trách nhiệm trong chiso, các cơ quan đang hoạt động vào ngày báo cáo (chủ trì/phối "
                "hợp ở chỉ số đó, kế thừa từ chỉ số cấp trên, hoặc ở chỉ tiêu thuộc chỉ số đó); “đề xuất”: phân "
                "công do chiso đề xuất, chưa có văn bản phân công.",
            )
        )
        unassigned = [c["name"] for c in accountable if not c["lead"]]
        if unassigned:
            blocks.append(
                Paragraph(
                    "Chưa có cơ quan chủ trì: "
                    + ", ".join(unassigned)
                    + ". Đề nghị phân công trong ma trận trách nhiệm.",
                    italic=True,
                )
            )
    else:
        blocks.append(Paragraph(f"Không có chỉ số thành phần nào thấp hơn ngưỡng hạng {T}."))
    plan = snap.get("plan") or {}  # snapshots before plans were carried have none
    blocks += _plan_blocks(plan, sec) if "plan" in snap else []
    blocks += _program_blocks(
        prog,
        sec,
        tasks_title="Tình hình thực hiện nhiệm vụ và chỉ tiêu",
        recs_title="Kiến nghị chưa được giải quyết",
        recs_open_only=True,
    )
    blocks.append(sec("Đề xuất"))
    if plan.get("available") and plan.get("rows"):
        # what each lead agency is to reach by when: the plan's rows, not one request to all
        blocks += _plan_proposals(plan, who)
    else:
        if "plan" in snap:  # snapshots before plans were carried say nothing of a plan
            blocks.append(Paragraph("Chưa có kế hoạch đạt hạng mục tiêu cho kết quả này, nên chưa giao được "
                                    "mục tiêu cụ thể cho từng cơ quan.", italic=True))
        if weak:
            blocks.append(
                Paragraph(
                    "Đề nghị các cơ quan chủ trì các chỉ số "
                    + ", ".join(c["name"] for c in weak)
                    + f" rà soát nguyên nhân, xây dựng giải pháp cụ thể để đưa các chỉ số này đạt ngưỡng hạng {T}, "
                    "báo cáo kết quả về cơ quan thường trực theo định kỳ hằng quý."
                )
            )
        elif known:
            blocks.append(
                Paragraph(
                    "Đề nghị các cơ quan duy trì kết quả đạt được và tiếp tục thực hiện các nhiệm vụ "
                    "của chương trình hành động."
                )
            )
        else:  # nothing compared (no peers' component scores): no claim that results were reached
            blocks.append(
                Paragraph(
                    "Đề nghị các cơ quan chủ trì các chỉ số thành phần (Bảng 3) tiếp tục thực hiện các nhiệm vụ "
                    "của chương trình hành động và hoàn thiện số liệu; khi có kết quả của các tỉnh, cơ quan "
                    f"thường trực lập kế hoạch đạt hạng {T} để giao mục tiêu cho từng cơ quan."
                )
            )
    return DocumentSpec(
        header=_header(snap, params, subject),
        blocks=blocks,
        recipients=_recipients(
            snap,
            [
                "- UBND tỉnh (để báo cáo);",
                "- Ban Chỉ đạo CNTT tỉnh;",
                "- Các sở, ban, ngành;",
                *_local_bodies(snap),
            ],
        ),
        signature=_signature(params),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=f"bao-cao-phan-tich-{year}",
    )


def _lead_text(lead: str, proposal: bool) -> str:
    if not lead:
        return "Chưa phân công"
    return lead + (" (đề xuất, chưa có văn bản phân công)" if proposal else "")


def _plan_blocks(plan: dict, sec: _Sections) -> list:
    """The least-cost plan to the target rank (``snap["plan"]``, ``results.plans.plan_state``): its
    sentence, the table component / now / target / agency / deadline, and the assignments made from
    it (drafts said to be drafts, not yet issued)."""
    blocks: list = [sec("Kế hoạch đạt hạng mục tiêu")]
    if not plan.get("available"):
        blocks.append(Paragraph(plan.get("note") or "Chưa lập kế hoạch đạt hạng mục tiêu.", italic=True))
        return blocks
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
    blocks.append(Paragraph(text))
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
            note="Cơ quan chủ trì theo ma trận trách nhiệm vào ngày lập kế hoạch; “đề xuất”: phân công do chiso "
            "đề xuất, chưa có văn bản phân công.",
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
            blocks.append(Paragraph(f"- {_lead_text(lead, proposal)} chủ trì nâng {goals}."))
        else:
            blocks.append(
                Paragraph(f"- Chưa có cơ quan chủ trì nâng {goals}: đề nghị phân công trong ma trận trách nhiệm.")
            )
    blocks.append(
        Paragraph(
            f"Các cơ quan chủ trì báo cáo kết quả thực hiện về {_body(who)} theo định kỳ hằng quý."
        )
    )
    return blocks


# --- quarterly ----------------------------------------------------------------------------------------


def _rate(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


def _on_time_rate(v: dict | None) -> float | None:
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


def build_quarterly(snap: dict, params: dict) -> DocumentSpec:
    who, period, prev_period = snap["issuer"], snap["period"], snap["prev_period"]
    province = who["province"] or "tỉnh"
    total, prev = snap["total"], snap["prev_total"]
    sec = _Sections()
    subject = f"Tình hình ứng dụng Một cửa điện tử và dịch vụ công trực tuyến {period.lower()}"
    prog = snap["program"]
    basis = (
        "Thực hiện nhiệm vụ tại mục 4a Chương trình hành động ban hành kèm theo Quyết định số "
        f"{prog['program']['decision']} ngày {dt.date.fromisoformat(prog['program']['date']):%d/%m/%Y} "
        f"của {prog['program']['issuer']}"
        if prog.get("available")
        else "Thực hiện nhiệm vụ theo dõi, giám sát hệ thống Một cửa điện tử và dịch vụ công trực tuyến, "
        "định kỳ hằng quý báo cáo Ủy ban nhân dân tỉnh"
    )
    blocks: list = [
        Paragraph(
            f"{basis}, {_body(who)} báo cáo tình hình {period.lower()} trên địa bàn "
            + (f"tỉnh {province} như sau:" if who["province"] else "tỉnh như sau:")
        )
    ]
    blocks.append(sec("Tình hình tiếp nhận, giải quyết hồ sơ"))
    rec, onl = total["ho_so_tiep_nhan"], total["ho_so_truc_tuyen"]
    ok, late = total["ho_so_dung_han"], total["ho_so_tre_han"]
    text = (
        f"Trong {period.lower()}, các cơ quan tiếp nhận {fmt(rec, 'int')} hồ sơ, trong đó {fmt(onl, 'int')} hồ sơ "
        f"trực tuyến (tỷ lệ {fmt(_online_rate(total), 'pct')}); giải quyết đúng hạn {fmt(ok, 'int')} hồ sơ, trễ hạn "
        f"{fmt(late, 'int')} hồ sơ (tỷ lệ đúng hạn {fmt(_on_time_rate(total), 'pct')})."
    )
    if prev is not None:
        text += (
            f" So với {prev_period.lower()}, số hồ sơ tiếp nhận {fmt(_delta(rec, prev['ho_so_tiep_nhan']), 'delta_int')}, "
            f"hồ sơ trực tuyến {fmt(_delta(onl, prev['ho_so_truc_tuyen']), 'delta_int')}, hồ sơ trễ hạn "
            f"{fmt(_delta(late, prev['ho_so_tre_han']), 'delta_int')}."
        )
    else:
        text += f" Chưa có số liệu {prev_period.lower()} để so sánh."
    blocks.append(Paragraph(text))
    rows, bold = [], []
    for g in snap["groups"]:
        for r in g["rows"]:
            v = r["values"]
            rows.append(
                [
                    r["agency"],
                    _g(v, "ho_so_tiep_nhan"),
                    _g(v, "ho_so_truc_tuyen"),
                    _g(v, "ho_so_dung_han"),
                    _g(v, "ho_so_tre_han"),
                    _on_time_rate(v),
                    _online_rate(v),
                ]
            )
        t = g["total"]
        bold.append(len(rows))
        rows.append(
            [
                f"Cộng {g['label']}",
                t["ho_so_tiep_nhan"],
                t["ho_so_truc_tuyen"],
                t["ho_so_dung_han"],
                t["ho_so_tre_han"],
                _on_time_rate(t),
                _online_rate(t),
            ]
        )
    bold.append(len(rows))
    rows.append(["Toàn tỉnh", rec, onl, ok, late, _on_time_rate(total), _online_rate(total)])
    blocks.append(
        Table(
            "dossiers",
            f"Bảng 1. Hồ sơ thủ tục hành chính {period.lower()} theo cơ quan, địa phương",
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
    blocks.append(sec(f"So sánh với {prev_period}"))
    labels = [
        ("ho_so_tiep_nhan", "Hồ sơ tiếp nhận"),
        ("ho_so_truc_tuyen", "Hồ sơ trực tuyến"),
        ("ho_so_dung_han", "Hồ sơ đúng hạn"),
        ("ho_so_tre_han", "Hồ sơ trễ hạn"),
        ("dvc_muc_3", "DVCTT mức độ 3 cung cấp"),
        ("dvc_muc_4", "DVCTT mức độ 4 cung cấp"),
    ]
    blocks.append(
        Table(
            "compare",
            f"Bảng 2. {period} so với {prev_period.lower()}",
            ["Chỉ tiêu", prev_period, period, "Tăng (+), giảm (−)"],
            ["text", "int", "int", "delta_int"],
            [
                [lab, prev[c] if prev else None, total[c], _delta(total[c], prev[c]) if prev else None]
                for c, lab in labels
            ],
            widths_cm=[6.5, 3.3, 3.3, 3.4],
        )
    )
    blocks.append(
        Table(
            "compare_rates",
            f"Bảng 3. Tỷ lệ {period.lower()} so với {prev_period.lower()}",
            ["Tỷ lệ", prev_period, period, "Tăng (+), giảm (−)"],
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
    blocks.append(
        Chart(
            "compare",
            f"Hồ sơ {prev_period.lower()} và {period.lower()}",
            "bar",
            [lab for _c, lab in labels[:4]],
            [
                (prev_period, [prev[c] if prev else None for c, _l in labels[:4]]),
                (period, [total[c] for c, _l in labels[:4]]),
            ],
            y_label="Hồ sơ",
            caption="Hình 1. Hồ sơ tiếp nhận, trực tuyến, đúng hạn và trễ hạn.",
        )
    )
    blocks.append(sec("Dịch vụ công trực tuyến mức độ 3, mức độ 4"))
    blocks.append(
        Paragraph(
            f"Các cơ quan đang cung cấp {fmt(total['dvc_muc_3'], 'int')} dịch vụ công trực tuyến mức độ 3 và "
            f"{fmt(total['dvc_muc_4'], 'int')} dịch vụ mức độ 4; trong quý có hồ sơ trực tuyến ở "
            f"{fmt(total['dvc_muc_3_phat_sinh'], 'int')} dịch vụ mức độ 3 và {fmt(total['dvc_muc_4_phat_sinh'], 'int')} "
            "dịch vụ mức độ 4."
        )
    )
    rows, bold = [], []
    for g in snap["groups"]:
        for r in g["rows"]:
            v = r["values"]
            rows.append(
                [
                    r["agency"],
                    _g(v, "dvc_muc_3"),
                    _g(v, "dvc_muc_3_phat_sinh"),
                    _g(v, "dvc_muc_4"),
                    _g(v, "dvc_muc_4_phat_sinh"),
                ]
            )
        t = g["total"]
        bold.append(len(rows))
        rows.append(
            [
                f"Cộng {g['label']}",
                t["dvc_muc_3"],
                t["dvc_muc_3_phat_sinh"],
                t["dvc_muc_4"],
                t["dvc_muc_4_phat_sinh"],
            ]
        )
    bold.append(len(rows))
    rows.append(
        [
            "Toàn tỉnh",
            total["dvc_muc_3"],
            total["dvc_muc_3_phat_sinh"],
            total["dvc_muc_4"],
            total["dvc_muc_4_phat_sinh"],
        ]
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
    blocks.append(sec("Cơ quan chưa có số liệu"))
    if snap["missing"]:
        blocks.append(
            Paragraph(
                f"{fmt(len(snap['missing']), 'int')} cơ quan chưa có số liệu được phê duyệt, không "
                "được tính trong báo cáo: " + ", ".join(snap["missing"]) + "."
            )
        )
    else:
        blocks.append(Paragraph("Tất cả các cơ quan đã có số liệu được phê duyệt."))
    blocks.append(sec("Kiến nghị, đề xuất"))
    if prog.get("available"):
        open_recs = [r for r in prog["recommendations"] if r["open"]]
        blocks.append(
            Paragraph(
                _open_sentence(prog)[:-1]
                + (
                    ": " + "; ".join(f"{r['agency']}: {r['title']}" for r in open_recs) + "."
                    if open_recs
                    else "."
                )
            )
        )
    else:
        blocks.append(Paragraph(prog.get("note", ""), italic=True))
    if late:
        blocks.append(
            Paragraph("Đề nghị các cơ quan có hồ sơ trễ hạn rà soát nguyên nhân, khắc phục trong quý tới.")
        )
    return DocumentSpec(
        header=_header(snap, params, subject),
        blocks=blocks,
        recipients=_recipients(
            snap,
            [
                "- UBND tỉnh (để báo cáo);",
                "- Sở Nội vụ;",
                "- Các sở, ban, ngành;",
                *_local_bodies(snap),
            ],
        ),
        signature=_signature(params),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=f"bao-cao-quy-{snap['quarter']}-{snap['year']}",
    )


# --- program progress ----------------------------------------------------------------------------------


def build_progress(snap: dict, params: dict) -> DocumentSpec:
    d0, d1 = dt.date.fromisoformat(snap["date_from"]), dt.date.fromisoformat(snap["date_to"])
    prog = snap["program"]
    who = snap["issuer"]
    title = prog["program"]["title"] if prog.get("available") else "Chương trình hành động"
    subject = f"Tiến độ thực hiện {title} từ ngày {d0:%d/%m/%Y} đến ngày {d1:%d/%m/%Y}"
    sec = _Sections()
    blocks: list = [
        Paragraph(
            f"{_body(who, capital=True)} báo cáo tiến độ thực hiện {title} từ ngày {d0:%d/%m/%Y} "
            f"đến ngày {d1:%d/%m/%Y} như sau:"
        )
    ]
    if prog.get("available"):
        tasks = prog["tasks"]
        counts = {k: sum(1 for t in tasks if t["light"] == k) for k in LIGHTS}
        if prog.get("closed_note"):
            blocks.append(Paragraph(prog["closed_note"]))
        blocks.append(
            Chart(
                "lights",
                "Số nhiệm vụ theo đánh giá",
                "bar",
                [LIGHTS[k] for k in LIGHTS],
                [("Nhiệm vụ", [counts[k] for k in LIGHTS])],
                y_label="Nhiệm vụ",
                caption="Hình 1. Nhiệm vụ theo mức đánh giá (quy tắc: docs/program.md).",
            )
        )
    blocks += _program_blocks(
        prog,
        sec,
        tasks_title="Tình hình thực hiện nhiệm vụ, chỉ tiêu",
        recs_title="Kiến nghị của các cơ quan",
        recs_open_only=False,
        with_progress=True,
    )
    return DocumentSpec(
        header=_header(snap, params, subject),
        blocks=blocks,
        recipients=_recipients(
            snap, ["- UBND tỉnh (để báo cáo);", "- Các sở, ban, ngành;", *_local_bodies(snap)]
        ),
        signature=_signature(params),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=f"bao-cao-tien-do-{d0:%Y%m%d}-{d1:%Y%m%d}",
    )


BUILDERS = {"annual": build_annual, "quarterly": build_quarterly, "progress": build_progress}


def build(snap: dict[str, Any], params: dict) -> DocumentSpec:
    return BUILDERS[snap["kind"]](snap, params)
