"""``load_province_ranking_demo NAME --as-of YYYY-MM-DD --demo``: an internal ranking in progress for
the province set up by ``setup_province NAME --as-of … --demo``, as labelled demonstration data, so
that the council's chair and the leadership have work waiting on their home page.

Two rounds of the year, on the shipped template framework, run through the real services
(:mod:`chiso.assessment.services`) with dates relative to ``--as-of``:

- the departments tier (sở, ban, ngành), opened five weeks ago: a few departments self-assessed
  and signed, the self-assessment closed after its deadline, the appraisal (one score changed, with
  its reason) sent, the answers' window over — left at the council's step: the chair decides the
  final scores and sends them for approval;
- the communes tier, opened six weeks ago, taken one step further: the chair sent the final scores
  — left at the leadership's approval.

The chair is a demonstration user of the province (``<province>.hoidong.chutich``); the department's
steps are taken by the province's demonstration officer of the standing body.  Idempotent: a tier
that already has a round of the year is left as it is.

Needs ``setup_province NAME --as-of … --demo`` first (agencies and demonstration users).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Round
from chiso.orgs import audit, provinces
from chiso.orgs.models import Agency, Membership, demo_user

from .load_internal_demo import FRAMEWORK, self_assess

CHAIR = "Chủ tịch Hội đồng thẩm định"
SELF_ASSESSED = 4  # how many units of each round self-assessed (the others did not, by the deadline)
# tier -> (days since it opened, whether the chair already sent the final scores for approval)
TIERS = {"so": (35, False), "xa": (42, True)}


def chair_username(province) -> str:
    return f"{provinces.slug(province.short_name)}.hoidong.chutich"


def _agencies(tier: str, province_ref: str, day: dt.date):
    """The province's agencies of the tier in force on ``day``, those with demonstration users first."""
    if tier == "so":
        qs = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, unit__ref_id=province_ref)
    else:
        qs = Agency.objects.filter(kind=Agency.Kind.COMMUNE).filter(
            Q(unit__parent__ref_id=province_ref) | Q(unit__parent__parent__ref_id=province_ref)
        )
    rows = list(qs.valid_on(day).order_by("name"))
    with_users = set(Membership.objects.filter(agency__in=rows).values_list("agency_id", flat=True))
    return sorted(rows, key=lambda a: (a.pk not in with_users, a.name))


# the kinds of local government a commune-level agency's name starts with ("Ủy ban nhân dân phường …")
LOCAL_KINDS = ("xã", "phường", "thị trấn", "đặc khu")


def _who(tier_label: str, agencies) -> str:
    """The units of the round as they are on its day: a commune tier is named by the kinds its agencies
    really are ("UBND xã, phường" — there is no thị trấn after 01/07/2025), not by the framework's tier
    label written in 2022; any other tier by its label."""
    kinds = [k for k in LOCAL_KINDS if any(a.name.startswith(f"Ủy ban nhân dân {k} ") for a in agencies)]
    return "UBND " + ", ".join(kinds) if kinds else tier_label


def open_round(fw, tier: str, province, as_of: dt.date, officer, chair) -> Round | None:
    """The tier's round of the year, driven to the council's step (or, for a tier of ``TIERS`` whose
    chair has sent, to the leadership's approval); None when the tier already has one."""
    days, sent_for_approval = TIERS[tier]
    opens = as_of - dt.timedelta(days=days)
    if Round.objects.filter(year=opens.year, tier=tier).exists():
        return None
    agencies = _agencies(tier, province.id, opens)
    if not agencies:
        return None
    dept, acc_dept = audit.Actor(user=officer), get_access(officer)
    pfw_tier = next(t for t in services.pfw_for_text(fw.yaml_text, fw.sha256).tiers if t.code == tier)
    rnd = services.create_round(
        dept,
        framework=fw,
        year=opens.year,
        tier=tier,
        title=f"Đánh giá chuyển đổi số năm {opens.year} — {_who(pfw_tier.label('vi'), agencies)} "
              f"{province.name[:1].lower()}{province.name[1:]} (minh họa)",
        opens_on=opens,
        self_due_on=opens + dt.timedelta(days=14),
        appraisal_due_on=opens + dt.timedelta(days=24),
        answer_days=5,
        agencies=agencies,
        is_demo=True,
    )
    pfw = services.round_pfw(rnd)
    services.set_council(rnd, dept, user=chair, position=f"{CHAIR} (minh họa)", is_chair=True, agencies=[],
                         codes=[])  # fmt: skip
    parts = {p.agency_id: p for p in rnd.participants.select_related("agency", "round")}
    assessed = [parts[a.pk] for a in agencies[:SELF_ASSESSED]]
    for i, p in enumerate(assessed):
        self_assess(p, pfw, i)
    services.transition(rnd.pk, "close_self", dept, acc_dept, today=rnd.self_due_on + dt.timedelta(days=1))
    # the appraisal changes one score of the first unit, with its reason
    first = assessed[0]
    entry = next(e for e in first.entries.order_by("code") if e.self_points)
    services.appraise(first.pk, {entry.code: ("0", "Văn bản chứng minh chưa đủ (minh họa lý do thẩm định).")},
                      dept, acc_dept)  # fmt: skip
    sent = rnd.appraisal_due_on - dt.timedelta(days=1)
    services.transition(rnd.pk, "send_appraisal", dept, acc_dept, today=sent)
    rnd.refresh_from_db()
    services.transition(rnd.pk, "close_answers", dept, acc_dept, today=rnd.answer_due_on + dt.timedelta(days=1))
    if sent_for_approval:
        services.transition(rnd.pk, "to_approval", audit.Actor(user=chair), get_access(chair))
    rnd.refresh_from_db()
    return rnd


class Command(BaseCommand):
    help = (
        "Thêm đợt xếp hạng nội bộ minh họa đang thực hiện cho tỉnh đã thiết lập (setup_province --demo): "
        "khối sở chờ hội đồng quyết định điểm, khối xã chờ lãnh đạo phê duyệt."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="tên tỉnh, thành phố như khi chạy setup_province")
        parser.add_argument("--as-of", dest="as_of", required=True, help="ngày YYYY-MM-DD")
        parser.add_argument("--demo", action="store_true", help="bắt buộc: dữ liệu nạp là dữ liệu minh họa")

    def handle(self, *args, **options):
        if not options["demo"]:
            raise CommandError("load_province_ranking_demo chỉ nạp dữ liệu minh họa: thêm --demo", returncode=2)
        try:
            as_of = dt.date.fromisoformat(options["as_of"].strip())
        except ValueError:
            raise CommandError(f"--as-of: '{options['as_of']}' không phải ngày dạng YYYY-MM-DD.", returncode=2) from None
        try:
            province = provinces.find(options["name"], as_of)
        except provinces.ProvinceSetupError as e:
            raise CommandError(str(e), returncode=2) from None
        officer = (
            Membership.objects.filter(role=Membership.Role.DEPT_OFFICER, agency__is_standing_body=True,
                                      agency__unit__ref_id=province.id)
            .select_related("user").order_by("user__username").first()
        )  # fmt: skip
        if officer is None:
            raise CommandError(
                f"Chưa có người dùng minh họa của {province.name}: chạy `manage setup_province "
                f"\"{options['name']}\" --as-of {as_of} --demo` trước.", returncode=2,
            )  # fmt: skip
        with transaction.atomic():
            chair = demo_user(chair_username(province), provinces.DEMO_PASSWORD, CHAIR)
            fw = services.import_shipped(FRAMEWORK, audit.Actor())
            rounds = [open_round(fw, tier, province, as_of, officer.user, chair) for tier in TIERS]
        done = [f"{r.title}: {r.get_status_display()}" for r in rounds if r is not None]
        return "; ".join(done) if done else "Đã có các đợt xếp hạng nội bộ minh họa của năm."
