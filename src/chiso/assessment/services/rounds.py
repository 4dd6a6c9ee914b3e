"""Rounds: create, units, council."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs import audit

from ..models import (
    CouncilMember,
    Entry,
    InternalFramework,
    Participant,
    Round,
)
from .base import S, _bump, _lock, entry_has_evidence
from .frameworks import pfw_for_text, round_pfw
from .totals import recompute
from .units import ensure_commune_agencies, tier_agencies


@atomic_retry
def create_round(
    actor: audit.Actor,
    *,
    framework: InternalFramework,
    year: int,
    tier: str,
    title: str,
    opens_on: dt.date,
    self_due_on: dt.date,
    appraisal_due_on: dt.date,
    answer_days: int = 5,
    agencies=None,
    is_demo: bool = False,
) -> Round:
    errors = {}
    if framework.is_index_copy:
        raise Refused(
            _("“{code}” là bản của tỉnh của một bộ chỉ số cấp tỉnh, không phải bộ chỉ số nội bộ.").format(
                code=framework.code
            ),
            {"framework": _("Chọn một bộ chỉ số nội bộ.")},
        )
    pfw = pfw_for_text(framework.yaml_text, framework.sha256)
    if tier not in {t.code for t in pfw.tiers}:
        errors["tier"] = _("Bộ chỉ số này không có khối “{tier}”.").format(tier=tier)
    if Round.objects.filter(year=year, tier=tier).exists():
        errors["year"] = _("Đã có đợt đánh giá năm {year} cho khối này.").format(year=year)
    if not (opens_on <= self_due_on <= appraisal_due_on):
        errors["self_due_on"] = _("Phải có: ngày mở ≤ hạn tự đánh giá ≤ hạn thẩm định.")
    if not 1 <= answer_days <= 60:
        errors["answer_days"] = _("Số ngày giải trình từ 1 đến 60.")
    if errors:
        raise Refused(_("Chưa tạo được đợt đánh giá."), errors)
    if tier == "xa":
        ensure_commune_agencies(day=opens_on)
    agencies = list(agencies if agencies is not None else tier_agencies(tier, opens_on))
    if not agencies:
        raise Refused(
            _("Không có đơn vị nào thuộc khối này còn hiệu lực ngày {day} (ngày mở đợt).").format(
                day=opens_on.strftime("%d/%m/%Y")
            ),
            {"tier": ""},
        )
    with transaction.atomic():
        rnd = Round.objects.create(
            year=year,
            tier=tier,
            title=title,
            framework=framework,
            framework_yaml=framework.yaml_text,
            framework_sha256=framework.sha256,
            opens_on=opens_on,
            self_due_on=self_due_on,
            appraisal_due_on=appraisal_due_on,
            answer_days=answer_days,
            is_demo=is_demo,
            created_by=actor.user,
        )
        parts = Participant.objects.bulk_create([Participant(round=rnd, agency=a) for a in agencies])
        codes = [i.code for i in pfw.indicators(tier)]
        Entry.objects.bulk_create([Entry(participant=p, code=c) for p in parts for c in codes])
        audit.record(
            actor,
            "assessment_round.create",
            rnd,
            after={
                "year": year,
                "tier": tier,
                "framework": framework.code,
                "sha256": framework.sha256,
                "units": len(parts),
            },
        )
        recompute(rnd)
    return rnd


@atomic_retry
def set_unit(
    participant_id: int, actor: audit.Actor, *, tags: str, excluded: bool, reason: str
) -> Participant:
    """Tags (applicability of ``only_for`` indicators) and exclusion from the ranking."""
    reason = (reason or "").strip()
    if excluded and not reason:
        raise Refused(_("Phải nêu lý do không xếp hạng đơn vị."), {"exclusion_reason": _("Bắt buộc.")})
    with transaction.atomic():
        p = Participant.objects.select_for_update().select_related("round").get(pk=participant_id)
        rnd = p.round
        if rnd.is_frozen:
            raise Forbidden(_("Kết quả đã có quyết định: không sửa được danh sách đơn vị."))
        pfw = round_pfw(rnd)
        new_tags = ",".join(sorted({t.strip() for t in tags.split(",") if t.strip()}))
        known = {t for i in pfw.indicators() for t in i.only_for}
        unknown = sorted(set(new_tags.split(",")) - known - {""})
        if unknown:
            raise Refused(
                _("Nhãn không dùng trong bộ chỉ số: {tags}. Các nhãn có: {known}.").format(
                    tags=", ".join(unknown), known=", ".join(sorted(known)) or "—"
                ),
                {"tags": ", ".join(unknown)},
            )
        before = {"tags": p.tags, "excluded": p.excluded, "reason": p.exclusion_reason}
        if new_tags != p.tags:
            if rnd.status != S.SELF:
                raise Forbidden(_("Chỉ đổi nhãn (phạm vi chỉ số) khi đơn vị còn tự đánh giá."))
            wanted = {i.code for i in pfw.indicators(rnd.tier, frozenset(new_tags.split(",")) - {""})}
            have = set(p.entries.values_list("code", flat=True))
            p.entries.filter(code__in=have - wanted).delete()
            Entry.objects.bulk_create([Entry(participant=p, code=c) for c in pfw.codes if c in wanted - have])
        p.tags, p.excluded, p.exclusion_reason = new_tags, excluded, reason if excluded else ""
        p.save(update_fields=["tags", "excluded", "exclusion_reason"])
        audit.record(
            actor,
            "assessment_unit.edit",
            p,
            before=before,
            after={"tags": p.tags, "excluded": p.excluded, "reason": p.exclusion_reason},
            parent=rnd,
        )
        recompute(rnd)
    return p


@atomic_retry
def remove_unit(participant_id: int, actor: audit.Actor, *, reason: str) -> Round:
    """Take a unit out of a round (it was listed but should not be assessed: merged, abolished, not
    a unit of this tier) — with a reason, audited with what it had entered.  Only while units
    self-assess and only a unit that has not sent its sheet nor attached evidence: what a unit sent
    is never deleted; such a unit can still be kept out of the ranking ("không xếp hạng")."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Phải nêu lý do rút đơn vị khỏi đợt."), {"removal_reason": _("Bắt buộc.")})
    with transaction.atomic():
        p = _lock(participant_id)
        rnd = p.round
        if rnd.status != S.SELF:
            raise Forbidden(_("Chỉ rút được đơn vị khi đợt còn ở bước tự đánh giá."))
        entries = list(p.entries.all())
        if p.status == Participant.Status.SUBMITTED or any(entry_has_evidence(e) for e in entries):
            raise Refused(
                _("{unit} đã gửi phiếu hoặc đã đính kèm minh chứng: không rút khỏi đợt được (dữ liệu đã gửi "
                  "không bị xóa). Có thể chọn “Đánh giá nhưng không xếp hạng”.").format(unit=p.agency.name),
                {"removal_reason": ""},
            )
        answered = {e.code: {"raw": e.raw, "note": e.note} for e in entries if e.raw not in (None, "", {}) or e.note}
        audit.record(
            actor,
            "assessment_unit.remove",
            p,
            before={"agency": p.agency.name, "answers": answered, "self_total": p.self_total},
            after=None,
            reason=reason,
            parent=rnd,
        )
        p.delete()
        _bump(rnd)
        recompute(rnd)
    return rnd


@atomic_retry
def set_council(
    rnd: Round, actor: audit.Actor, *, user, position: str, is_chair: bool, agencies, codes
) -> CouncilMember:
    pfw = round_pfw(rnd)
    bad = sorted(set(codes) - set(pfw.codes))
    if bad:
        raise Refused(
            _("Mã chỉ số không có trong bộ chỉ số: {codes}.").format(codes=", ".join(bad)), {"codes": ""}
        )
    with transaction.atomic():
        m, _c = CouncilMember.objects.update_or_create(
            round=rnd,
            user=user,
            defaults={
                "position": position or "Thành viên",
                "is_chair": is_chair,
                "codes": sorted(set(codes)),
            },
        )
        m.agencies.set(agencies)
        audit.record(
            actor,
            "assessment_council.set",
            m,
            parent=rnd,
            after={
                "user": user.username,
                "chair": is_chair,
                "agencies": [a.pk for a in agencies],
                "codes": m.codes,
            },
        )
        _bump(rnd)
    return m
