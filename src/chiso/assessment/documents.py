"""Documents of the internal ranking: the decision announcing the results (Quyết định công bố kết
quả) with its annex of each unit's points per group of indicators, every unit's scorecard in one
document, one unit's scorecard — all written by the one report job (:mod:`chiso.reports.kinds`,
registered in :meth:`AssessmentConfig.ready`) — and the results workbook (.xlsx).

A document is read from the database once into a JSON snapshot (``*_snapshot``) and written from
that snapshot alone (``build_*``): the passages that carry figures, each after a
:class:`~chiso.docgen.Part`, and the values its wording prints (``spec.context``). The
fixed wording — grounds, "QUYẾT ĐỊNH:", the articles, recipients, signature — is the kind's
template: ``wording/<kind>.txt`` shipped here, or the department's own (docs/reports.md). Nothing
internal is printed: no code of a framework, indicator or unit, no snapshot hash."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from django.utils import timezone, translation

from chiso.docgen import (
    ConversionError,
    DocumentSpec,
    Header,
    Heading,
    Paragraph,
    Part,
    Signature,
    Table,
    docx_to_pdf,
    fmt,
    render_docx,
    vn_long_date,
)
from chiso.docgen.words import DEMO_NOTE, clause, end_sentence
from chiso.lib.vn_format import format_number
from chiso.lib.xlsx import workbook_bytes
from chiso.orgs.issuers import Issuer, issuer, province_of
from chiso.reports.services import ReportError

from . import services
from .models import Entry, Participant, Round, Tier

__all__ = [
    "ConversionError",
    "build_decision",
    "build_scorecard",
    "build_scorecards",
    "decision_docx",
    "decision_snapshot",
    "register_kinds",
    "results_xlsx",
    "scorecard_docx",
    "scorecard_snapshot",
    "scorecards_docx",
    "scorecards_snapshot",
    "to_pdf",
]

WORDING = Path(__file__).parent / "wording"  # the shipped wording of each document kind
TIER_PHRASE = {
    Tier.SO: "các sở, ban, ngành",
    Tier.HUYEN: "Ủy ban nhân dân các huyện, thị xã, thành phố",
    Tier.XA: "Ủy ban nhân dân các xã, phường, thị trấn",
}
TIER_FILE_WORDS = {Tier.SO: "so ban nganh", Tier.HUYEN: "cap huyen", Tier.XA: "cap xa"}
ANNEX_NUMBER_COLS = 6  # points columns of one annex table (groups, then the total): the rest is the name's
BLANK_NUMBER = "      "  # the room a văn thư writes the number in


def to_pdf(docx: bytes) -> bytes:
    return docx_to_pdf(docx)


def _p2(x) -> str:
    return "—" if x is None else format_number(x, 2)


def _max_format(maxima) -> str:
    """Maxima are usually whole points (20, 385): written without decimals unless one is not."""
    return "int" if all(float(m) == int(m) for m in maxima if m is not None) else "points"




def number_symbol(number: str, symbol: str) -> str:
    """ "Số: 12/QĐ-UBND" from what was typed: a number with its symbol as typed ("12/BĐ-SKHCN" is
    not given the symbol twice), a bare number with ``symbol`` ("/QĐ-UBND") added, nothing: room
    for the văn thư to write it in."""
    typed = re.sub(r"^\s*số\s*:?\s*", "", str(number or ""), flags=re.IGNORECASE).strip()
    if "/" in typed:
        return f"Số: {typed}"
    return f"Số: {typed or BLANK_NUMBER}{symbol}"


def _short_date(value) -> str:
    """ "20/03/2025" from an ISO date; "" from nothing."""
    return f"{_day(value):%d/%m/%Y}" if value else ""


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _date_text(value) -> str:
    day = _day(value)
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _issuer(rnd: Round, day) -> Issuer:
    """The issuer on ``day``; among several standing bodies in force (merged provinces' history),
    the one of the province the round's units lie in."""
    p = rnd.participants.select_related("agency__unit__parent").first()
    province = province_of(p.agency.unit) if p is not None else None
    return issuer(day, province.ref_id if province is not None else "")


def _standing(who: dict) -> str:
    """The standing body's name in a sentence ("Sở Khoa học và Công nghệ")."""
    return who["issuing_body"] if who.get("found") else "cơ quan thường trực"


def _basis_line(lb: dict) -> str:
    """ "Căn cứ Quyết định số 12/QĐ-UBND ngày … của … về …;" from a ``legal_basis`` entry ("" without
    a number: nothing is invented)."""
    number, issuer_name = str(lb.get("number") or "").strip(), str(lb.get("issuer") or "").strip()
    if not number:
        return ""
    kind = "Quyết định" if "/QĐ-" in number else "Văn bản"
    when = f" {_date_text(lb['date'])}" if lb.get("date") else ""
    title = str(lb.get("title") or "").strip()
    return (
        f"Căn cứ {kind} số {number}{when}"
        + (f" của {issuer_name}" if issuer_name else "")
        + (f" về {title[:1].lower() + title[1:]}" if title else "")
        + ";"
    )


def _adopting(fw) -> dict | None:
    """The ``legal_basis`` entry of the document that adopted the framework (``adopts: true``)."""
    return next((lb for lb in fw.legal_basis if isinstance(lb, dict) and lb.get("adopts")), None)


def decision_grounds(rnd: Round) -> list[str]:
    """The decision's "Căn cứ …" lines, from the round's framework snapshot: its ``decision_grounds``
    (the sentences as the province writes them), else one line per ``legal_basis`` entry; then the
    framework itself, cited by the document that adopted it (the ``legal_basis`` entry marked
    ``adopts: true``: its number, date, issuer and title), else by its name. Never by its code or
    the snapshot's hash."""
    fw = services.round_pfw(rnd).fw
    adopting = _adopting(fw)
    written = fw.extra.get("decision_grounds")
    if written:
        lines = [str(t).strip() for t in written if str(t).strip()]
    else:
        lines = [line for lb in fw.legal_basis if lb is not adopting and (line := _basis_line(lb))]
    own = _basis_line(adopting) if adopting else ""
    if not own:
        own = f"Căn cứ {clause(fw.label('vi'))} áp dụng cho đợt đánh giá năm {rnd.year};"
    if not any(own.rstrip(";") in line for line in lines):
        lines.append(own)
    return lines


def _one(params: dict, key: str, queryset, missing: str, gone: str):
    """The row a job's ``params[key]`` names, or a :class:`ReportError` with a sentence."""
    try:
        pk = int(params.get(key))
    except (TypeError, ValueError):
        raise ReportError(missing) from None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise ReportError(gone)
    return row


def _round_of(params: dict) -> Round:
    return _one(
        params,
        "round_id",
        Round.objects.select_related("framework"),
        "Yêu cầu không nêu đợt đánh giá.",
        "Không tìm thấy đợt đánh giá của văn bản (có thể đã bị xóa).",
    )


def _participant_of(params: dict) -> Participant:
    return _one(
        params,
        "participant_id",
        Participant.objects.select_related("round__framework", "agency"),
        "Yêu cầu không nêu đơn vị được đánh giá.",
        "Không tìm thấy đơn vị được đánh giá (có thể đã bị rút khỏi đợt).",
    )


def _group_points(rnd: Round, pfw) -> dict[int, list[float | None]]:
    """Each unit's points per group of the framework (the final score of an indicator, else the
    appraised, else the self-assessed — the scores its total is made of); None where no indicator
    of the group applies to the unit."""
    where = {code: gi for gi, g in enumerate(pfw.groups) for code in g.indicator_codes}
    out: dict[int, list[float | None]] = {}
    for pid, code, sp, ap, fp in Entry.objects.filter(participant__round=rnd).values_list(
        "participant_id", "code", "self_points", "appraised_points", "final_points"
    ):
        gi = where.get(code)
        if gi is None:
            continue
        row = out.setdefault(pid, [None] * len(pfw.groups))
        current = fp if fp is not None else (ap if ap is not None else sp)
        row[gi] = (row[gi] or 0.0) + (current or 0.0)
    return out


# --- the decision ------------------------------------------------------------------------------------


def decision_params(rnd: Round) -> dict:
    """A decision job's parameters: the round, and its number, date and signer as the department
    saved them on the decision page."""
    params = {
        "round_id": rnd.pk,
        "number": rnd.decision_number,
        "sign_title": rnd.signer_title,
        "sign_name": rnd.signer_name,
    }
    if rnd.decision_date:
        params["date"] = rnd.decision_date.isoformat()
    return params


def decision_snapshot(params: dict, day: dt.date) -> dict:
    rnd = _round_of(params)
    if rnd.step < list(Round.Status.values).index(Round.Status.APPROVAL):
        raise ReportError("Chưa lập được quyết định: kết quả của đợt chưa được trình lãnh đạo phê duyệt.")
    return _decision_snapshot(rnd, params, day)


def _decision_snapshot(rnd: Round, params: dict, day: dt.date) -> dict:
    with translation.override("vi"):  # the band names in Vietnamese
        who = _issuer(rnd, day)
        pfw = services.round_pfw(rnd)
        rows = services.results(rnd)
        points = _group_points(rnd, pfw)
        none = [None] * len(pfw.groups)
        used = [gi for gi in range(len(pfw.groups)) if any((points.get(r.p.pk) or none)[gi] is not None for r in rows)]
        units = []
        for r in rows:
            p, pts = r.p, points.get(r.p.pk) or none
            units.append(
                {
                    "name": p.agency.name,
                    "rank": None if p.rank is None else int(p.rank),
                    "total": p.current_total,
                    "max": p.max_points,
                    "ratio": p.ratio if p.has_data else None,
                    "band": r.band_label,
                    "has_data": p.has_data,
                    "excluded": p.excluded,
                    "reason": clause(p.exclusion_reason),
                    "groups": [None if pts[gi] is None else round(pts[gi], 2) for gi in used],
                }
            )
        return {
            "kind": "decision",
            "generated_at": timezone.now().isoformat(),
            "issuer": who.as_dict(),
            "year": rnd.year,
            "tier": rnd.tier,
            "tier_phrase": TIER_PHRASE[rnd.tier],
            "is_published": rnd.is_published,
            "number": str(params.get("number") or ""),
            "date": day.isoformat(),
            "grounds": decision_grounds(rnd),
            "groups": [pfw.groups[gi].label("vi") for gi in used],
            "units": units,
            "is_demo": rnd.is_demo,
        }


def _decision_header(snap: dict, params: dict) -> Header:
    who = snap["issuer"]
    province = who.get("province") or ""
    committee = who["people_committee"].upper() if who.get("found") else who["issuing_body"]
    return Header(
        parent_body="",
        issuing_body=committee,
        number_symbol=number_symbol(snap.get("number", ""), "/QĐ-UBND"),
        place=province,
        date=_day(snap["date"]),
        doc_type="QUYẾT ĐỊNH",
        subject=(
            f"Công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số của {snap['tier_phrase']} "
            + (f"tỉnh {province} " if province else "")
            + f"năm {snap['year']}"
        ),
    )


def _annex(snap: dict, header: Header) -> list:
    """The decision's annex (Phụ lục, NĐ 30/2020): its heading with the decision's number and date,
    then each unit's points per group of indicators and its total, in tables that stay inside the
    margins (at most :data:`ANNEX_NUMBER_COLS` columns of points each: more groups, more tables)."""
    groups, units = snap["groups"], snap["units"]
    who = snap["issuer"]
    signer = f"Chủ tịch {who['people_committee']}" if who.get("found") else who["issuing_body"]
    blocks: list = [
        Paragraph("Phụ lục", bold=True, indent=False, align="center"),
        Paragraph(
            f"ĐIỂM CỦA CÁC ĐƠN VỊ THEO TỪNG NHÓM CHỈ SỐ NĂM {snap['year']}", bold=True, indent=False, align="center"
        ),
        Paragraph(
            f"(Kèm theo Quyết định số {header.number_symbol.removeprefix('Số: ').strip()} "
            f"{vn_long_date(header.date)} của {signer})",
            italic=True,
            indent=False,
            align="center",
        ),
    ]
    n_tables = max(1, math.ceil((len(groups) + 1) / ANNEX_NUMBER_COLS))
    per = math.ceil(len(groups) / n_tables) if groups else 0
    for t in range(n_tables):
        cols = list(range(t * per, min(len(groups), (t + 1) * per)))
        last = t == n_tables - 1
        n_num = len(cols) + (1 if last else 0)
        widths = [1.0, 16.5 - 1.0 - 1.7 * n_num] + [1.7] * n_num
        blocks.append(
            Table(
                key="Phụ lục" + (f", phần {t + 1}" if n_tables > 1 else ""),
                title=f"Phần {t + 1}" if n_tables > 1 else "",
                columns=["STT", "Đơn vị", *(groups[g] for g in cols), *(["Tổng điểm"] if last else [])],
                formats=["int", "text", *(["points"] * n_num)],
                rows=[
                    [i, u["name"], *(u["groups"][g] for g in cols), *([u["total"]] if last else [])]
                    for i, u in enumerate(units, start=1)
                ],
                widths_cm=widths,
                note=(
                    "Điểm của một nhóm là tổng điểm cuối cùng các chỉ số của nhóm áp dụng cho đơn vị "
                    "(“—”: không có chỉ số nào của nhóm áp dụng). Điểm làm tròn 2 chữ số thập phân."
                    if last
                    else ""
                ),
            )
        )
    return blocks


def build_decision(snap: dict, params: dict) -> DocumentSpec:
    """The decision from its snapshot: the grounds, the ranking, the units not ranked (passages),
    the annex; its wording is the template's (``wording/decision.txt``)."""
    who = snap["issuer"]
    found = bool(who.get("found"))
    header = _decision_header(snap, params)
    units = snap["units"]
    # a unit ranks only with a rank: never one with no data (issue 17), whatever the snapshot's age
    ranked = [u for u in units if not u["excluded"] and u["rank"] is not None]
    no_data = [u for u in units if not u["excluded"] and u["rank"] is None]
    excluded = [u for u in units if u["excluded"]]
    committee = header.issuing_body
    blocks: list = [
        Part("can_cu", "Các căn cứ ban hành quyết định"),
        *(Paragraph(line, italic=True) for line in snap["grounds"]),
        Part("bang_xep_hang", "Bảng xếp hạng các đơn vị"),
        Table(
            key="ket_qua",
            title=f"Bảng xếp hạng năm {snap['year']}",
            columns=["Hạng", "Đơn vị", "Điểm", "Điểm tối đa", "Tỷ lệ (0–1)", "Xếp loại"],
            formats=["rank", "text", "points", _max_format(u["max"] for u in ranked), "score", "text"],
            rows=[[u["rank"], u["name"], u["total"], u["max"], u["ratio"], u["band"]] for u in ranked],
            widths_cm=[1.4, 6.1, 2.2, 2.2, 2.2, 2.4],
            note="Đồng điểm thì đồng hạng; hạng kế tiếp bỏ qua (1, 2, 2, 4). Điểm làm tròn 2 chữ số thập phân.",
        ),
        Part("khong_xep_hang", "Các đơn vị được đánh giá nhưng không xếp hạng"),
        *(
            Paragraph(
                f"Đơn vị được đánh giá nhưng không xếp hạng: {u['name']} ({_p2(u['total'])}/{format_number(u['max'])} "
                f"điểm)" + (f" — lý do: {u['reason']}." if u["reason"] else ".")
            )
            for u in excluded
        ),
        *(Paragraph(f"Đơn vị chưa có số liệu nên không xếp hạng: {u['name']}.") for u in no_data),
    ]
    body = _standing(who)
    return DocumentSpec(
        header=header,
        blocks=blocks,
        recipients=["- Như Điều 3;", "- Chủ tịch, các PCT UBND tỉnh;", f"- {body};", "- Lưu: VT."],
        signature=Signature(
            authority=params.get("sign_authority") or "KT. CHỦ TỊCH",
            title=params.get("sign_title") or "PHÓ CHỦ TỊCH",
            name=params.get("sign_name") or "",
        ),
        annex=_annex(snap, header),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=f"quyet-dinh-{snap['year']}-{snap['tier']}",
        context={
            "nam": str(snap["year"]),
            "khoi": snap["tier_phrase"],
            "tinh": who.get("province") or "",
            "tham_quyen": f"CHỦ TỊCH {committee}" if found else committee,
            "uy_ban": who["people_committee"] if found else "",
            "co_quan_thuong_truc": body,
            "so_don_vi": str(len(units)),
            "so_xep_hang": str(len(ranked)),
            "so_khong_xep_hang": str(len(excluded) + len(no_data)),
            "co_khong_xep_hang": bool(excluded or no_data),
            "du_thao": not snap.get("is_published"),
            "so_ky_hieu": header.number_symbol,
            "ngay": vn_long_date(header.date),
        },
    )


# --- scorecards ---------------------------------------------------------------------------------------


def _official_code(pfw, code: str) -> str:
    """The indicator's number as the framework publishes it (``official_code: "1.2"``), else ""."""
    try:
        return str(pfw.fw.node(code).extra.get("official_code") or "").strip()
    except (KeyError, LookupError, AttributeError):
        return ""


def _card(p: Participant, pfw, *, hide_appraisal: bool) -> dict:
    """One unit's scorecard as snapshot data: per group and indicator the scores (numbered by the
    framework's official number where it has one, else 1.1, 1.2 …), and why points were lost."""
    bands = {b.code: b for b in pfw.bands}
    band = bands.get(p.band)
    groups, explain = [], []
    for gi, g in enumerate(services.scorecard(p, "vi", hide_appraisal=hide_appraisal), start=1):
        lines = []
        for li, ln in enumerate(g.lines, start=1):
            stt = _official_code(pfw, ln.ind.code) or f"{gi}.{li}"
            name = ln.ind.label("vi")
            lines.append(
                {
                    "stt": stt,
                    "name": name,
                    "max": ln.ind.max_points,
                    "self": ln.self_points,
                    "appraised": ln.appraised,
                    "final": ln.final,
                    "lost": ln.lost,
                }
            )
            if ln.lost > 1e-9 or ln.explanation:
                evidence = [f.original_name for f in ln.files] + [
                    f"{d.number} ngày {d.date:%d/%m/%Y}: {clause(d.summary)}" for d in ln.docs
                ]
                explain.append(
                    f"{stt} — {name}: mất {_p2(ln.lost)} điểm. "
                    + " ".join(end_sentence(t) for t in ln.explanation)
                    + (f" Minh chứng: {'; '.join(evidence)}." if evidence else " Không có minh chứng.")
                )
        groups.append({"name": g.group.label("vi"), "points": g.points, "max": g.max, "lines": lines})
    return {
        "name": p.agency.name,
        # before the appraisal is sent to the unit, its card is its self-assessment only
        "total": p.self_total if hide_appraisal else p.current_total,
        "max": p.max_points,
        "ratio": None if hide_appraisal else p.ratio,
        "band": "" if hide_appraisal or band is None else band.label("vi"),
        "rank": None if hide_appraisal or p.rank is None else int(p.rank),
        "has_data": p.has_data,
        "excluded": p.excluded,
        "reason": clause(p.exclusion_reason),
        "self_total": p.self_total,
        "appraised_total": None if hide_appraisal else p.appraised_total,
        "groups": groups,
        "explain": explain,
    }


def _cards_snapshot(rnd: Round, parts: list[Participant], day: dt.date, *, hide_appraisal: bool) -> dict:
    with translation.override("vi"):  # an administrative document is Vietnamese whatever the reader's
        pfw = services.round_pfw(rnd)
        who = _issuer(rnd, day)
        cards = [_card(p, pfw, hide_appraisal=hide_appraisal) for p in parts]
    return {
        "generated_at": timezone.now().isoformat(),
        "issuer": who.as_dict(),
        "date": day.isoformat(),
        "year": rnd.year,
        "tier": rnd.tier,
        "tier_phrase": TIER_PHRASE[rnd.tier],
        "is_published": rnd.is_published,
        "decision": {
            "number": rnd.decision_number,
            "date": rnd.decision_date.isoformat() if rnd.decision_date else "",
        }
        if rnd.is_published and rnd.decision_number
        else None,
        "hide_appraisal": hide_appraisal,
        "cards": cards,
        "is_demo": rnd.is_demo,
    }


def scorecards_snapshot(params: dict, day: dt.date) -> dict:
    """Every unit's scorecard of a round, in rank order (the department and the leadership)."""
    rnd = _round_of(params)
    rows = services.results(rnd)
    return {"kind": "scorecards", **_cards_snapshot(rnd, [r.p for r in rows], day, hide_appraisal=False)}


def scorecard_snapshot(params: dict, day: dt.date) -> dict:
    """One unit's scorecard; ``hide_appraisal`` as the reader who asked may see it."""
    p = _participant_of(params)
    snap = _cards_snapshot(p.round, [p], day, hide_appraisal=bool(params.get("hide_appraisal")))
    return {"kind": "scorecard", **snap}


def _summary(card: dict) -> str:
    if not card.get("has_data", True):  # nothing entered yet: no total, band or rank to state
        return f"{card['name']} chưa có số liệu: chưa có điểm, chưa xếp loại, chưa xếp hạng."
    if card["ratio"] is None:  # the self-assessment only
        return (
            f"{card['name']} tự đánh giá đạt {_p2(card['total'])}/{format_number(card['max'])} điểm; "
            "kết quả thẩm định chưa được gửi đến đơn vị."
        )
    if card["rank"] is not None:
        rank = f"xếp hạng {card['rank']}"
    elif card["excluded"]:
        rank = f"không xếp hạng ({card['reason']})" if card["reason"] else "không xếp hạng"
    else:
        rank = "chưa xếp hạng"
    appraised = card["appraised_total"]
    return (
        f"{card['name']} đạt {_p2(card['total'])}/{format_number(card['max'])} điểm (tỷ lệ "
        f"{fmt(card['ratio'], 'score')}), xếp loại {card['band'] or '—'}, {rank}. Điểm tự đánh giá: "
        f"{_p2(card['self_total'])}" + (f"; điểm thẩm định: {_p2(appraised)}." if appraised is not None else ".")
    )


def _group_blocks(card: dict, *, hide_appraisal: bool) -> list:
    blocks: list = []
    for gi, g in enumerate(card["groups"], start=1):
        blocks.append(Heading(f"{gi}. {g['name']}: {_p2(g['points'])}/{format_number(g['max'])} điểm"))
        max_format = _max_format(ln["max"] for ln in g["lines"])
        if hide_appraisal:
            columns = ["STT", "Chỉ số", "Tối đa", "Tự chấm", "Mất"]
            rows = [[ln["stt"], ln["name"], ln["max"], ln["self"], ln["lost"]] for ln in g["lines"]]
            widths = [1.2, 10.9, 1.5, 1.6, 1.3]
        else:
            columns = ["STT", "Chỉ số", "Tối đa", "Tự chấm", "Thẩm định", "Cuối cùng", "Mất"]
            rows = [
                [ln["stt"], ln["name"], ln["max"], ln["self"], ln["appraised"], ln["final"], ln["lost"]]
                for ln in g["lines"]
            ]
            widths = [1.2, 7.4, 1.5, 1.6, 1.8, 1.7, 1.3]
        blocks.append(
            Table(
                key=f"nhom_{gi}",
                title="",
                columns=columns,
                formats=["text", "text", max_format] + ["points"] * (len(columns) - 3),
                rows=rows,
                widths_cm=widths,
            )
        )
    return blocks


def _cards_header(snap: dict, params: dict, subject: str) -> Header:
    who = snap["issuer"]
    return Header(
        parent_body=who["parent_body"],
        issuing_body=who["issuing_body"],
        number_symbol=number_symbol(params.get("number", ""), f"/TB-{who['symbol']}" if who.get("symbol") else "/TB"),
        place=who.get("province") or "",
        date=_day(snap["date"]),
        doc_type="THÔNG BÁO",  # the scorecards are sent with a notice (NĐ 30, Điều 7)
        subject=subject,
    )


def _cards_spec(snap: dict, params: dict, subject: str, blocks: list, first_recipient: str, context: dict):
    who = snap["issuer"]
    header = _cards_header(snap, params, subject)
    symbol = who.get("symbol") or ""
    return DocumentSpec(
        header=header,
        blocks=blocks,
        recipients=[first_recipient, f"- Lưu: VT, {symbol}." if symbol else "- Lưu: VT."],
        signature=Signature(
            authority=params.get("sign_authority") or "KT. GIÁM ĐỐC",
            title=params.get("sign_title") or "PHÓ GIÁM ĐỐC",
            name=params.get("sign_name") or "",
        ),
        demo_note=DEMO_NOTE if snap.get("is_demo") else "",
        title_for_files=f"bang-diem-{snap['year']}",
        context={
            "nam": str(snap["year"]),
            "khoi": snap["tier_phrase"],
            "co_quan": who["issuing_body"] if who.get("found") else "Cơ quan thường trực",
            "ky_hieu": symbol,
            "so_ky_hieu": header.number_symbol,
            "ngay": vn_long_date(header.date),
            "da_cong_bo": bool(snap.get("is_published")),
            # the decision that published the results ("" before): "86/QĐ-UBND", "20/03/2025"
            "so_quyet_dinh": (snap.get("decision") or {}).get("number", ""),
            "ngay_quyet_dinh": _short_date((snap.get("decision") or {}).get("date", "")),
            **context,
        },
    )


def build_scorecards(snap: dict, params: dict) -> DocumentSpec:
    """Every unit's scorecard in one document, in rank order: one passage (``bang_diem``)."""
    blocks: list = [Part("bang_diem", "Bảng điểm của từng đơn vị")]
    for n, card in enumerate(snap["cards"], start=1):
        blocks.append(Heading(f"{n}. {card['name'].upper()}", level=0))
        blocks.append(Paragraph(_summary(card)))
        blocks += _group_blocks(card, hide_appraisal=snap["hide_appraisal"])
        if card["explain"]:
            blocks.append(Heading("Giải thích điểm bị mất"))
            blocks += [Paragraph(t) for t in card["explain"]]
    return _cards_spec(
        snap,
        params,
        f"Bảng điểm đánh giá chuyển đổi số năm {snap['year']} của {snap['tier_phrase']}",
        blocks,
        "- Các đơn vị được đánh giá;",
        {"so_don_vi": str(len(snap["cards"]))},
    )


def build_scorecard(snap: dict, params: dict) -> DocumentSpec:
    """One unit's scorecard: its result (``tong_ket``), its points per group (``diem_theo_nhom``) and
    why points were lost (``giai_thich``)."""
    card = snap["cards"][0]
    blocks: list = [Part("tong_ket", "Kết quả chung của đơn vị"), Paragraph(_summary(card))]
    blocks.append(Part("diem_theo_nhom", "Điểm theo từng nhóm chỉ số"))
    blocks += _group_blocks(card, hide_appraisal=snap["hide_appraisal"])
    blocks.append(Part("giai_thich", "Giải thích điểm bị mất"))
    blocks += [Paragraph(t) for t in card["explain"]]
    return _cards_spec(
        snap,
        params,
        f"Bảng điểm đánh giá chuyển đổi số năm {snap['year']} của {card['name']}",
        blocks,
        f"- {card['name']};",
        {"don_vi": card["name"], "co_giai_thich": bool(card["explain"])},
    )


# --- the kinds of the report job, and the documents written at once (tests, management) ----------------


def _round_title(params: dict) -> str:
    rnd = Round.objects.filter(pk=params.get("round_id")).only("title").first()
    return rnd.title if rnd is not None else ""


def _decision_title(params: dict) -> str:
    return f"Quyết định công bố kết quả xếp hạng — {_round_title(params)}".rstrip(" —")


def _scorecards_title(params: dict) -> str:
    return f"Bảng điểm các đơn vị — {_round_title(params)}".rstrip(" —")


def _scorecard_title(params: dict) -> str:
    p = Participant.objects.select_related("round", "agency").filter(pk=params.get("participant_id")).first()
    return f"Bảng điểm {p.agency.name} — {p.round.title}" if p is not None else "Bảng điểm của đơn vị"


def _scorecard_agency(params: dict) -> int | None:
    """The unit reads its own scorecard's job when the job shows what the unit may see
    (``unit_reads``, decided by the page that asked for it)."""
    if not params.get("unit_reads"):
        return None
    return Participant.objects.filter(pk=params.get("participant_id")).values_list("agency_id", flat=True).first()


def register_kinds() -> None:
    """The decision and the scorecards as kinds of the one report job (:mod:`chiso.reports.kinds`)."""
    from chiso.reports import kinds
    from chiso.reports.models import ReportJob

    def tier_words(snap: dict) -> str:
        return TIER_FILE_WORDS.get(snap.get("tier"), "")

    def unit_name(snap: dict) -> str:
        return (snap.get("cards") or [{}])[0].get("name", "")

    for kind, label, snapshot, build, title, file_name, extra in (
        (ReportJob.Kind.DECISION, "Quyết định công bố kết quả xếp hạng nội bộ", decision_snapshot, build_decision,
         _decision_title, lambda s, p: ["quyet dinh cong bo ket qua xep hang", s.get("year"), tier_words(s)], {}),
        # a table per group and unit: the results workbook is the one to read them in (no .xlsx)
        (ReportJob.Kind.SCORECARDS, "Bảng điểm xếp hạng nội bộ của các đơn vị", scorecards_snapshot,
         build_scorecards, _scorecards_title, lambda s, p: ["bang diem", s.get("year"), tier_words(s)],
         {"xlsx": False}),
        (ReportJob.Kind.SCORECARD, "Bảng điểm xếp hạng nội bộ của một đơn vị", scorecard_snapshot, build_scorecard,
         _scorecard_title, lambda s, p: ["bang diem", unit_name(s), s.get("year")],
         {"xlsx": False, "agency": _scorecard_agency}),
    ):
        kinds.register(
            kinds.DocumentKind(
                kind=kind,
                label=label,
                snapshot=snapshot,
                build=build,
                title=title,
                file_name=file_name,
                default_template=str(WORDING / f"{kind}.txt"),
                **extra,
            )
        )


def worded(kind: str, spec: DocumentSpec) -> DocumentSpec:
    """``spec`` in the wording in use for ``kind`` (the department's template, else the shipped one),
    as the report job words it."""
    from chiso.docgen.template import apply
    from chiso.reports.services import wording

    text, _used = wording(kind)
    return apply(spec, text)[0] if text else spec


def decision_docx(rnd: Round) -> bytes:
    """The decision of ``rnd`` written at once (the web asks the report job for it)."""
    params = decision_params(rnd)
    day = rnd.decision_date or timezone.localdate()
    return render_docx(worded("decision", build_decision(_decision_snapshot(rnd, params, day), params)))


def scorecards_docx(rnd: Round, params: dict | None = None) -> bytes:
    params = {"round_id": rnd.pk, **(params or {})}
    return render_docx(worded("scorecards", build_scorecards(scorecards_snapshot(params, timezone.localdate()), params)))


def scorecard_docx(p: Participant, *, hide_appraisal: bool = False, params: dict | None = None) -> bytes:
    params = {"participant_id": p.pk, "hide_appraisal": hide_appraisal, **(params or {})}
    return render_docx(worded("scorecard", build_scorecard(scorecard_snapshot(params, timezone.localdate()), params)))


def results_xlsx(rnd: Round) -> bytes:
    """The league table as a workbook (ket-qua.xlsx): units by name, points and rates as numbers
    (rates in per cent, headed "(%)"), the header frozen; a sheet of notes names the framework and
    the decision. Labelled on every sheet when the round is demonstration data."""
    from chiso.lib import xlsx

    pfw = services.round_pfw(rnd)
    columns = [  # (header, number format)
        ("Hạng", xlsx.WHOLE),
        ("Đơn vị", None),
        ("Điểm cuối cùng", xlsx.DEC2),
        ("Điểm tối đa", xlsx.DEC2),
        ("Tỷ lệ điểm đạt (%)", xlsx.DEC2),
        ("Xếp loại", None),
        ("Điểm tự đánh giá", xlsx.DEC2),
        ("Điểm thẩm định", xlsx.DEC2),
        ("Chênh lệch tự chấm − thẩm định (điểm)", xlsx.SIGNED_DEC2),
        ("Thay đổi tỷ lệ so với năm trước (điểm %)", xlsx.SIGNED_DEC2),
        ("Thay đổi hạng so với năm trước", xlsx.SIGNED_WHOLE),
        ("Không xếp hạng — lý do", None),
    ]
    data = []
    for r in services.results(rnd):
        p = r.p
        data.append(
            [
                int(p.rank) if p.rank is not None else None,
                p.agency.name,
                round(p.current_total, 2),
                p.max_points,
                round(p.ratio * 100, 2) if p.has_data else None,
                r.band_label,
                p.self_total,
                p.appraised_total,
                None if p.gap is None else round(p.gap, 2),
                None if r.delta_ratio is None else round(r.delta_ratio * 100, 2),
                r.delta_rank,
                p.exclusion_reason if p.excluded else "",
            ]
        )
    notes = [
        rnd.title,
        f"Bộ chỉ số: {pfw.label('vi')}",
        f"Trạng thái: {rnd.get_status_display()}",
        f"Xuất lúc: {timezone.localtime():%d/%m/%Y %H:%M}",
    ]
    if rnd.decision_number:
        notes.append(
            f"Quyết định số {rnd.decision_number} ngày {rnd.decision_date:%d/%m/%Y}"
            if rnd.decision_date
            else f"Quyết định số {rnd.decision_number}"
        )
    for rev in rnd.revisions.select_related("entry__participant__agency"):
        try:
            indicator = pfw.indicator(rev.entry.code).label("vi")
        except ValueError:  # not in the round's framework (InputError)
            indicator = "chỉ số không còn trong bộ chỉ số"
        notes.append(
            f"Sửa đổi số {rev.number} ngày {timezone.localtime(rev.created):%d/%m/%Y}: "
            f"{rev.entry.participant.agency.name}, {indicator}: {_p2(rev.old_points)} → "
            f"{_p2(rev.new_points)} điểm. Lý do: {rev.reason}"
        )
    return workbook_bytes(
        f"Xếp hạng {rnd.year}",
        [h for h, _f in columns],
        data,
        formats=[f for _h, f in columns],
        widths=[8, 44, 14, 12, 14, 14, 14, 14, 18, 18, 16, 40],
        notes=notes,
        notes_title="Ghi chú",
        demo_note=xlsx.DEMO_NOTE if rnd.is_demo else "",
    )
