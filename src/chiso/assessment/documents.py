"""Documents of the internal ranking, written with the reports app's ND 30 builder
(:mod:`chiso.reports.docgen`): the decision announcing the results (Quyết định công bố kết quả),
the scorecard of a unit, and the results workbook (.xlsx)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from chiso.lib.vn_format import format_number
from chiso.lib.xlsx import workbook_bytes
from chiso.orgs.issuers import Issuer, issuer, province_of
from chiso.reports.docgen import (
    ConversionError,
    DocumentSpec,
    Header,
    Heading,
    Paragraph,
    Signature,
    Table,
    docx_to_pdf,
    render_docx,
)

from . import services
from .models import Participant, Round, Tier

__all__ = [
    "ConversionError",
    "decision_docx",
    "decision_spec",
    "results_xlsx",
    "scorecard_docx",
    "scorecards_docx",
    "to_pdf",
]

DEMO_NOTE = (
    "DỮ LIỆU MINH HỌA / demonstration data — văn bản này có số liệu do chiso tạo ra để minh họa, "
    "không phải kết quả thật."
)
TIER_PHRASE = {
    Tier.SO: "các sở, ban, ngành",
    Tier.HUYEN: "Ủy ban nhân dân các huyện, thị xã, thành phố",
    Tier.XA: "Ủy ban nhân dân các xã, phường, thị trấn",
}


def to_pdf(docx: bytes) -> bytes:
    return docx_to_pdf(docx)


def _p2(x) -> str:
    return "—" if x is None else format_number(x, 2)


def _ratio(x) -> str:
    return "—" if x is None else format_number(x, 4)


def _max_format(maxima) -> str:
    """Maxima are usually whole points (20, 385): written without decimals unless one is not."""
    return "int" if all(float(m) == int(m) for m in maxima if m is not None) else "points"


def _rank(p: Participant) -> str:
    return "—" if p.rank is None else str(int(p.rank))


def _issuer(rnd: Round, day) -> Issuer:
    """The issuer on ``day``; among several standing bodies in force (merged provinces' history),
    the one of the province the round's units lie in."""
    p = rnd.participants.select_related("agency__unit__parent").first()
    province = province_of(p.agency.unit) if p is not None else None
    return issuer(day, province.ref_id if province is not None else "")


def _standing(who: Issuer) -> str:
    """The standing body's name for the decision's sentences ("Sở Khoa học và Công nghệ")."""
    return who.issuing_body if who.found else "cơ quan thường trực"


def _date_text(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def decision_grounds(rnd: Round) -> list[str]:
    """The decision's "Căn cứ …" lines, from the round's framework snapshot: its ``decision_grounds``
    (the sentences as the province writes them), else one line per ``legal_basis`` entry. Nothing is
    invented: a framework with neither gives no such line."""
    fw = services.round_pfw(rnd).fw
    written = fw.extra.get("decision_grounds")
    if written:
        return [str(t).strip() for t in written if str(t).strip()]
    lines = []
    for lb in fw.legal_basis:
        number, issuer_name = str(lb.get("number") or "").strip(), str(lb.get("issuer") or "").strip()
        if not number:
            continue
        kind = "Quyết định" if "/QĐ-" in number else "Văn bản"
        when = f" {_date_text(lb['date'])}" if lb.get("date") else ""
        title = str(lb.get("title") or "").strip()
        lines.append(
            f"Căn cứ {kind} số {number}{when}"
            + (f" của {issuer_name}" if issuer_name else "")
            + (f" về {title[:1].lower() + title[1:]}" if title else "")
            + ";"
        )
    return lines


def decision_spec(rnd: Round) -> DocumentSpec:
    with translation.override("vi"):  # the band names and the table in Vietnamese
        return _decision_spec(rnd)


def _decision_spec(rnd: Round) -> DocumentSpec:
    day = rnd.decision_date or timezone.localdate()
    who = _issuer(rnd, day)
    province = who.province
    committee = who.people_committee.upper() if who.found else who.issuing_body
    rows = services.results(rnd)
    ranked = [r for r in rows if not r.p.excluded]
    excluded = [r for r in rows if r.p.excluded]
    subject = (
        f"Công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số của {TIER_PHRASE[rnd.tier]} "
        + (f"tỉnh {province} " if province else "")
        + f"năm {rnd.year}"
    )
    number = rnd.decision_number.split("/")[0] if rnd.decision_number else ""
    header = Header(
        parent_body="",
        issuing_body=committee,
        number_symbol=f"Số: {number or '      '}/QĐ-UBND",
        place=province,
        date=day,
        doc_type="QUYẾT ĐỊNH",
        subject=subject,
    )
    body = _standing(who)
    blocks: list = []
    if not rnd.is_published:
        blocks.append(Paragraph("DỰ THẢO", bold=True, indent=False, align="center"))
    blocks += [
        Paragraph(
            f"CHỦ TỊCH {committee}" if who.found else committee, bold=True, indent=False, align="center"
        ),
        *(Paragraph(line, italic=True) for line in decision_grounds(rnd)),
        Paragraph(
            f"Căn cứ Bộ chỉ số đánh giá chuyển đổi số (mã {rnd.framework.code}, bản chụp "
            f"{rnd.framework_sha256[:12]}) áp dụng cho đợt đánh giá năm {rnd.year};",
            italic=True,
        ),
        Paragraph(
            f"Xét kết quả thẩm định của Hội đồng thẩm định và đề nghị của Giám đốc {body}.", italic=True
        ),
        Paragraph("QUYẾT ĐỊNH:", bold=True, indent=False, align="center"),
        Paragraph(
            f"Điều 1. Công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số năm {rnd.year} của "
            f"{len(rows)} đơn vị thuộc khối {TIER_PHRASE[rnd.tier]}, trong đó {len(ranked)} đơn vị được "
            f"xếp hạng, như sau:"
        ),
    ]
    blocks.append(
        Table(
            key="ket_qua",
            title=f"Bảng xếp hạng năm {rnd.year}",
            columns=["Hạng", "Đơn vị", "Điểm", "Điểm tối đa", "Tỷ lệ (0–1)", "Xếp loại"],
            formats=["rank", "text", "points", _max_format(r.p.max_points for r in ranked), "score", "text"],
            rows=[
                [
                    r.p.rank,
                    r.p.agency.name,
                    r.p.final_total if r.p.final_total is not None else r.p.current_total,
                    r.p.max_points,
                    r.p.ratio,
                    r.band_label,
                ]
                for r in ranked
            ],
            widths_cm=[1.4, 6.1, 2.2, 2.2, 2.2, 2.4],
            note="Đồng điểm thì đồng hạng; hạng kế tiếp bỏ qua (1, 2, 2, 4). Điểm làm tròn 2 chữ số thập phân.",
        )
    )
    for r in excluded:
        blocks.append(
            Paragraph(
                f"Đơn vị được đánh giá nhưng không xếp hạng: {r.p.agency.name} "
                f"({_p2(r.p.current_total)}/{format_number(r.p.max_points)} điểm) — lý do: "
                f"{r.p.exclusion_reason}."
            )
        )
    blocks += [
        Paragraph(
            f"Điều 2. Giao {body} công khai kết quả trên Cổng thông tin điện tử của tỉnh; các đơn vị căn "
            "cứ kết quả, xây dựng kế hoạch khắc phục những chỉ số còn thấp, báo cáo kết quả thực hiện."
        ),
        Paragraph(
            f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, "
            f"Giám đốc {body}, Thủ trưởng các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành "
            "Quyết định này./."
        ),
    ]
    return DocumentSpec(
        header=header,
        blocks=blocks,
        recipients=["- Như Điều 3;", "- Chủ tịch, các PCT UBND tỉnh;", f"- {body};", "- Lưu: VT."],
        signature=Signature(
            authority="KT. CHỦ TỊCH", title=rnd.signer_title or "PHÓ CHỦ TỊCH", name=rnd.signer_name
        ),
        demo_note=DEMO_NOTE if rnd.is_demo else "",
        title_for_files=f"quyet-dinh-{rnd.year}-{rnd.tier}",
    )


def decision_docx(rnd: Round) -> bytes:
    return render_docx(decision_spec(rnd))


def _card_blocks(p: Participant, *, hide_appraisal: bool, numbered: str = "") -> list:
    """One unit's scorecard: summary, one table per group, every point lost explained."""
    rnd = p.round
    groups = services.scorecard(p, hide_appraisal=hide_appraisal)
    pfw = services.round_pfw(rnd)
    band = {b.code: b for b in pfw.bands}.get(p.band)
    rank_text = (
        f"xếp hạng {_rank(p)}"
        if p.rank is not None
        else ("không xếp hạng (" + p.exclusion_reason + ")" if p.excluded else "chưa xếp hạng")
    )
    blocks: list = []
    if numbered:
        blocks.append(Heading(f"{numbered}. {p.agency.name.upper()}", level=0))
    blocks.append(
        Paragraph(
            f"{p.agency.name} đạt {_p2(p.current_total)}/{format_number(p.max_points)} điểm (tỷ lệ "
            f"{_ratio(p.ratio)}), xếp loại {band.label('vi') if band else '—'}, {rank_text}. Điểm tự đánh giá: "
            f"{_p2(p.self_total)}"
            + ("" if hide_appraisal else f"; điểm thẩm định: {_p2(p.appraised_total)}")
            + "."
        )
    )
    if rnd.is_published and rnd.decision_number and not numbered:
        blocks.append(
            Paragraph(
                f"Theo Quyết định số {rnd.decision_number} ngày {rnd.decision_date:%d/%m/%Y} công bố kết quả."
            )
        )
    explain = []
    for g in groups:
        blocks.append(Heading(f"{g.group.label('vi')}: {_p2(g.points)}/{format_number(g.max)} điểm"))
        rows = []
        for ln in g.lines:
            rows.append(
                [
                    ln.ind.code,
                    ln.ind.label("vi"),
                    ln.ind.max_points,
                    ln.self_points,
                    None if hide_appraisal else ln.appraised,
                    None if hide_appraisal else ln.final,
                    ln.lost,
                ]
            )
            if ln.lost > 1e-9 or ln.explanation:
                ev = [f.original_name for f in ln.files] + [
                    f"{d.number} ngày {d.date:%d/%m/%Y}: {d.summary}" for d in ln.docs
                ]
                explain.append(
                    f"{ln.ind.code} — {ln.ind.label('vi')}: mất {_p2(ln.lost)} điểm. "
                    + " ".join(ln.explanation)
                    + (f" Minh chứng: {'; '.join(ev)}." if ev else " Không có minh chứng.")
                )
        blocks.append(
            Table(
                key=f"{p.agency.code}-{g.group.code}",
                title="",
                formats=["text", "text", _max_format(ln.ind.max_points for ln in g.lines)] + ["points"] * 4,
                rows=rows,
                columns=["Mã", "Chỉ số", "Tối đa", "Tự chấm", "Thẩm định", "Cuối cùng", "Mất"],
                widths_cm=[2.6, 6.5, 1.4, 1.6, 1.8, 1.8, 1.3],
            )
        )
    if explain:
        blocks.append(Heading("Giải thích điểm bị mất"))
        blocks += [Paragraph(t) for t in explain]
    return blocks


def _archive(who: Issuer) -> str:
    return f"- Lưu: VT, {who.symbol}." if who.symbol else "- Lưu: VT."


def _card_header(who: Issuer, subject: str) -> Header:
    return Header(
        parent_body=who.parent_body,
        issuing_body=who.issuing_body,
        number_symbol="",
        place=who.province,
        date=dt.date.fromisoformat(who.day),
        doc_type="BẢNG ĐIỂM",
        subject=subject,
    )


def scorecard_spec(p: Participant, *, hide_appraisal: bool = False) -> DocumentSpec:
    rnd = p.round
    with translation.override(
        "vi"
    ):  # an administrative document is Vietnamese whatever the reader's language
        blocks = _card_blocks(p, hide_appraisal=hide_appraisal)
    who = _issuer(rnd, timezone.localdate())
    return DocumentSpec(
        header=_card_header(who, f"Kết quả đánh giá chuyển đổi số năm {rnd.year} của {p.agency.name}"),
        blocks=blocks,
        recipients=[f"- {p.agency.name};", _archive(who)],
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC"),
        demo_note=DEMO_NOTE if rnd.is_demo else "",
        title_for_files=f"bang-diem-{rnd.year}-{p.agency.code}",
    )


def scorecards_spec(rnd: Round) -> DocumentSpec:
    """The scorecards of every unit of a round, in rank order, in one document."""
    rows = services.results(rnd)
    blocks: list = []
    with translation.override("vi"):
        for n, r in enumerate(rows, start=1):
            blocks += _card_blocks(r.p, hide_appraisal=False, numbered=str(n))
    who = _issuer(rnd, timezone.localdate())
    return DocumentSpec(
        header=_card_header(
            who, f"Kết quả đánh giá chuyển đổi số năm {rnd.year} của {TIER_PHRASE[rnd.tier]}"
        ),
        blocks=blocks,
        recipients=["- Các đơn vị được đánh giá;", _archive(who)],
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC"),
        demo_note=DEMO_NOTE if rnd.is_demo else "",
        title_for_files=f"bang-diem-{rnd.year}-{rnd.tier}",
    )


def scorecards_docx(rnd: Round) -> bytes:
    return render_docx(scorecards_spec(rnd))


def scorecard_docx(p: Participant, *, hide_appraisal: bool = False) -> bytes:
    return render_docx(scorecard_spec(p, hide_appraisal=hide_appraisal))


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
                round(p.ratio * 100, 2),
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
