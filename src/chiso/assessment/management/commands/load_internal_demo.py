"""The reference cycle of the internal ranking for the reference case's province, as labelled
demonstration data: the shipped template framework, a published 2021 round and the 2022 round of
the districts tier (UBND huyện, thị xã, thành phố) run through every step — self-assessments with
evidence, an appraisal that changes scores with reasons, a unit's answer, the council's final
scores, the leadership's approval, the decision and the published table. Idempotent: a second run
changes nothing.

Needs ``load_reference_case --demo`` first (units, agencies, demonstration users).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import CouncilMember, Entry, Participant, Round
from chiso.orgs import audit
from chiso.orgs import reference_case as rc
from chiso.orgs.models import Agency, Membership, demo_user

FRAMEWORK = "hanam-cds-noibo-2022"
TIER = "huyen"
PHU_LY = "A347.UBND_HUYEN"
DUY_TIEN = "A349.UBND_HUYEN"
# (username, role label, agency code or None, role or None): council members and a second district;
# the name is the label, the agency's one name and the demonstration mark (orgs.models.demo_person_name)
DEMO_USERS = [
    ("hoidong.chutich", "Chủ tịch Hội đồng thẩm định", None, None),
    ("hoidong.thanhvien", "Thành viên Hội đồng thẩm định —", "A35.SNV", "agency_officer"),
    ("duytien.lanhdao", "Lãnh đạo", DUY_TIEN, "agency_head"),
]
# what the appraisal changes in 2022 (agency, code, appraised points, reason), the answer and the final
CHANGES_2022 = [
    (
        PHU_LY,
        "nts_hop_bcd",
        15.0,
        "Chỉ 3/4 cuộc họp có thông báo kết luận kèm theo; cuộc họp quý IV chưa có văn bản chứng minh.",
    ),
    (
        DUY_TIEN,
        "cqs_dvctt_muc_34",
        20.0,
        "Tỷ lệ thủ tục mức độ 3, 4 theo Cổng dịch vụ công của tỉnh là 72%, không phải 85% như đơn vị kê khai.",
    ),
    (
        "A352.UBND_HUYEN",
        "attt_cap_do",
        7.5,
        "Mới phê duyệt cấp độ cho 1/2 hệ thống thông tin; hồ sơ thứ hai chưa được thẩm định.",
    ),
]
ANSWER_2022 = (
    PHU_LY,
    "nts_hop_bcd",
    "Cuộc họp quý IV ngày 20/12/2022 đã có Thông báo kết luận số 215/TB-UBND ngày 22/12/2022; "
    "đơn vị gửi bổ sung bản chụp.",
)
FINAL_2022 = (
    PHU_LY,
    "nts_hop_bcd",
    20.0,
    "Hội đồng chấp nhận giải trình: Thông báo kết luận 215/TB-UBND chứng minh đủ 4 cuộc họp.",
)
EXCLUDED_2021 = (
    "A350.UBND_HUYEN",
    "Đơn vị đang sắp xếp lại bộ máy, chưa vận hành hệ thống một cửa điện tử "
    "cả năm (minh họa lý do không xếp hạng).",
)


def _value(ind, rng: random.Random, strength: float):
    """A plausible answer for an indicator; ``strength`` in 0..1 moves it up."""
    k = ind.value_kind
    if k == "ratio":
        b = rng.randint(8, 40)
        return {"a": str(min(b, int(round(b * min(1.0, strength + rng.uniform(-0.15, 0.1)))))), "b": str(b)}
    if k == "yes_no":
        return "1" if rng.random() < 0.45 + strength / 2 else "0"
    if k == "level":
        levels = sorted(ind.levels)
        return str(levels[min(len(levels) - 1, int(strength * len(levels) + rng.random() * 0.8))])
    if k == "percent":
        return f"{min(100.0, max(0.0, 100 * strength + rng.uniform(-15, 10))):.1f}".replace(".", ",")
    if k == "count":
        steps = ind.params.get("steps") or [[4, 1]]
        top = max(s[0] for s in steps)
        return str(max(0, int(round(top * strength + rng.uniform(-1.5, 1)))))
    return f"{max(0.0, 10 * strength):.1f}"


def self_assess(p: Participant, pfw, i: int, *, strength_shift: float = 0.0, overrides=None) -> None:
    """The ``i``-th unit's labelled self-assessment of its round, entered, signed and sent by the unit's
    demonstration user: a document for each indicator that requires one (except one indicator of the
    fourth unit: "no evidence ⇒ 0") and a plausible answer (``overrides``: code -> (value, note))."""
    rnd = p.round
    rng = random.Random(f"{rnd.year}-{p.agency.code}")
    strength = min(0.95, 0.55 + 0.07 * ((i * 5) % 6) + strength_shift)
    unit_user = (
        Membership.objects.filter(agency=p.agency, role__in=("agency_officer", "agency_head"))
        .select_related("user")
        .first()
    )
    unit = audit.Actor(user=unit_user.user if unit_user else None)
    inds = pfw.indicators(rnd.tier, p.tag_set)
    entries = {e.code: e for e in p.entries.all()}
    # documents of the year assessed, dated before the round opened
    months = 12 if rnd.opens_on.year > rnd.year else max(1, rnd.opens_on.month - 1)
    for j, ind in enumerate(inds):
        if ind.evidence_required and not (i == 3 and j == 1):
            services.add_document(
                entries[ind.code].pk,
                unit,
                number=f"{10 + j}/{'KH' if j % 2 else 'BC'}-UBND",
                date=f"{5 + j % 20:02d}/{1 + j % months:02d}/{rnd.year}",
                summary=f"{(ind.evidence.get('vi') or 'Văn bản chứng minh')} (minh họa)",
            )
    answers = {ind.code: (_value(ind, rng, strength), "") for ind in inds}
    answers.update(overrides or {})
    services.save_self(p.pk, answers, unit)
    services.submit(p.pk, unit)


class Command(BaseCommand):
    help = "Load the internal ranking's reference cycle of the reference case (labelled demonstration data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="required: the data loaded is demonstration data"
        )

    def handle(self, *args, **options):
        if not options["demo"]:
            raise CommandError("load_internal_demo loads demonstration data only: pass --demo")
        if not Agency.objects.filter(code=PHU_LY).exists():
            raise CommandError(
                "run `manage load_reference_case --demo` first (agencies and demonstration users)"
            )
        if Round.objects.filter(year=2022, tier=TIER).exists():
            return "internal ranking demo: already loaded"
        with transaction.atomic():
            for username, label, agency, role in DEMO_USERS:
                demo_user(username, rc.DEMO_PASSWORD, label, Agency.objects.get(code=agency) if agency else None, role)
            system = audit.Actor()
            fw = services.import_shipped(FRAMEWORK, system)
            r21 = self._round(
                fw, 2021, strength_shift=-0.08, publish=True, decision=("41/QĐ-UBND", dt.date(2022, 3, 15))
            )
            r22 = self._round(
                fw, 2022, strength_shift=0.0, publish=True, decision=("86/QĐ-UBND", dt.date(2023, 3, 20))
            )
        return (
            f"internal ranking demo: framework {fw.code}; rounds {r21.title} and {r22.title} "
            f"({r22.participants.count()} units, published)"
        )

    # --------------------------------------------------------------------------------------------------
    def _round(self, fw, year: int, *, strength_shift: float, publish: bool, decision) -> Round:
        User = get_user_model()
        officer = User.objects.get(username="sotttt.thamdinh")
        leader = User.objects.get(username="ubndtinh.lanhdao")
        chair = User.objects.get(username="hoidong.chutich")
        member = User.objects.get(username="hoidong.thanhvien")
        dept = audit.Actor(user=officer)
        opens = dt.date(year + 1, 1, 5)
        rnd = services.create_round(
            dept,
            framework=fw,
            year=year,
            tier=TIER,
            title=f"Đánh giá chuyển đổi số năm {year} — UBND huyện, thị xã, thành phố (minh họa)",
            opens_on=opens,
            self_due_on=opens + dt.timedelta(days=26),
            appraisal_due_on=opens + dt.timedelta(days=54),
            answer_days=5,
            is_demo=True,
        )
        pfw = services.round_pfw(rnd)
        services.set_council(
            rnd,
            dept,
            user=chair,
            position="Chủ tịch Hội đồng (Phó Giám đốc Sở TT&TT)",
            is_chair=True,
            agencies=[],
            codes=[],
        )
        services.set_council(
            rnd,
            dept,
            user=member,
            position="Thành viên (Sở Nội vụ)",
            is_chair=False,
            agencies=[],
            codes=[i.code for i in pfw.indicators(TIER) if i.group == "nhan_luc_so"],
        )
        parts = list(rnd.participants.select_related("agency").order_by("agency__code"))
        if year == 2021:
            p = next(p for p in parts if p.agency.code == EXCLUDED_2021[0])
            services.set_unit(p.pk, dept, tags="", excluded=True, reason=EXCLUDED_2021[1])
        overrides = {
            PHU_LY: {"nts_hop_bcd": ("4", "Bốn cuộc họp Ban chỉ đạo trong năm (minh họa).")},
            DUY_TIEN: {"cqs_dvctt_muc_34": ("85", "")},
        }
        for i, p in enumerate(parts):
            self_assess(p, pfw, i, strength_shift=strength_shift, overrides=overrides.get(p.agency.code))
        acc_dept = get_access(officer)
        services.transition(
            rnd.pk, "close_self", dept, acc_dept, today=rnd.self_due_on + dt.timedelta(days=1)
        )
        changes = CHANGES_2022 if year == 2022 else CHANGES_2022[2:]
        by_code = {p.agency.code: p for p in parts}
        for agency, code, pts, reason in changes:
            p = by_code.get(agency)
            if p is None or not Entry.objects.filter(participant=p, code=code).exists():
                continue
            services.appraise(p.pk, {code: (str(pts).replace(".", ","), reason)}, dept, acc_dept)
        sent = rnd.appraisal_due_on
        services.transition(rnd.pk, "send_appraisal", dept, acc_dept, today=sent)
        if year == 2022:
            agency, code, text = ANSWER_2022
            head = get_user_model().objects.get(username="phuly.lanhdao")
            services.answer(
                by_code[agency].pk, {code: text}, audit.Actor(user=head), today=sent + dt.timedelta(days=2)
            )
        services.transition(rnd.pk, "close_answers", dept, acc_dept, today=sent + dt.timedelta(days=6))
        if year == 2022:
            agency, code, pts, reason = FINAL_2022
            services.decide_final(
                by_code[agency].pk, {code: (str(pts), reason)}, audit.Actor(user=chair), get_access(chair)
            )
        services.transition(rnd.pk, "to_approval", audit.Actor(user=chair), get_access(chair))
        services.transition(rnd.pk, "approve", audit.Actor(user=leader), get_access(leader))
        if publish:
            number, day = decision
            services.set_decision(
                rnd.pk,
                dept,
                number=number,
                date=day,
                signer_name="Nguyễn Văn A (minh họa)",
                signer_title="PHÓ CHỦ TỊCH",
            )
            services.transition(rnd.pk, "publish", dept, acc_dept)
        rnd.refresh_from_db()
        assert Participant.objects.filter(round=rnd, rank__isnull=False).exists()
        assert CouncilMember.objects.filter(round=rnd).count() == 2
        return rnd
