"""The quarterly one-stop-shop form (every sở and UBND huyện leads it) and, with --demo, two
labelled demonstration rounds (quý III and quý IV/2017) with approved figures."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from chiso.collection import services as collection
from chiso.collection.models import Round, Submission, ValidationRule, Value
from chiso.orgs import audit
from chiso.orgs import reference_case as rc
from chiso.orgs.models import Agency, Responsibility
from chiso.reports.frameworks import QUARTERLY_ID

RULES = [
    ("ho_so_truc_tuyen", "ho_so_tiep_nhan", "Số hồ sơ trực tuyến không thể lớn hơn số hồ sơ tiếp nhận."),
    ("ho_so_dung_han", "ho_so_tiep_nhan", "Số hồ sơ đúng hạn không thể lớn hơn số hồ sơ tiếp nhận."),
    ("ho_so_tre_han", "ho_so_tiep_nhan", "Số hồ sơ trễ hạn không thể lớn hơn số hồ sơ tiếp nhận."),
    (
        "dvc_muc_3_phat_sinh",
        "dvc_muc_3",
        "Số dịch vụ mức 3 có hồ sơ không thể lớn hơn số dịch vụ mức 3 cung cấp.",
    ),
    (
        "dvc_muc_4_phat_sinh",
        "dvc_muc_4",
        "Số dịch vụ mức 4 có hồ sơ không thể lớn hơn số dịch vụ mức 4 cung cấp.",
    ),
]
DEMO_QUARTERS = [(2017, 3), (2017, 4)]


def demo_figures(rng: random.Random, *, district: bool, growth: float) -> dict[str, float]:
    """Plausible, labelled demonstration figures (not real data)."""
    received = rng.randint(900, 4000) if district else rng.randint(150, 1800)
    received = int(received * growth)
    online = int(received * rng.uniform(0.02, 0.12) * growth)
    late = int(received * rng.uniform(0.0, 0.06) / growth)
    on_time = received - late - rng.randint(0, max(1, received // 20))
    l3 = rng.randint(10, 60) if not district else rng.randint(5, 25)
    l4 = rng.randint(0, 8)
    return {
        "ho_so_tiep_nhan": received,
        "ho_so_truc_tuyen": online,
        "ho_so_dung_han": max(0, on_time),
        "ho_so_tre_han": late,
        "dvc_muc_3": l3,
        "dvc_muc_4": l4,
        "dvc_muc_3_phat_sinh": min(l3, int(l3 * rng.uniform(0.2, 0.6) * growth)),
        "dvc_muc_4_phat_sinh": min(l4, int(l4 * rng.uniform(0.2, 0.8) * growth)),
    }


class Command(BaseCommand):
    help = "Set up the quarterly one-stop-shop form; --demo adds two labelled demonstration rounds."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, **options):
        with transaction.atomic():
            n = self.handle_one_matrix()
            out = f"quarterly form: {n} agencies"
            if options["demo"]:
                out += f", demo rounds: {self.handle_one_demo_rounds()}"
        return out

    def handle_one_matrix(self) -> int:
        """Every sở, ban, ngành and every UBND huyện/thành phố in force reports the quarterly figures."""
        agencies = Agency.objects.filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.DISTRICT])
        for a in agencies:
            Responsibility.objects.get_or_create(
                framework_id=QUARTERLY_ID,
                code="mot_cua_dvctt",
                agency=a,
                defaults={
                    "role": Responsibility.Role.LEAD,
                    "note": rc.QUARTERLY_REPORT_NOTE,
                },
            )
        for left, right, msg in RULES:
            ValidationRule.objects.get_or_create(
                framework_id=QUARTERLY_ID,
                left_code=left,
                op="lte",
                right_code=right,
                defaults={"importance": ValidationRule.Importance.CRITICAL, "message": msg},
            )
        return agencies.count()

    def handle_one_demo_rounds(self) -> int:
        if Round.objects.filter(framework_id=QUARTERLY_ID, is_demo=True).exists():
            return 0
        actor = audit.Actor()
        rng = random.Random(936)
        created = 0
        for i, (year, quarter) in enumerate(DEMO_QUARTERS):
            end = dt.date(year, quarter * 3, 28)
            rnd = collection.create_round(
                actor,
                framework_id=QUARTERLY_ID,
                year=year,
                quarter=quarter,
                is_demo=True,
                title=f"Một cửa điện tử và DVCTT quý {quarter}/{year} (minh họa)",
                opens_on=end - dt.timedelta(days=20),
                due_on=end + dt.timedelta(days=10),
                locks_on=end + dt.timedelta(days=20),
            )
            created += 1
            now = timezone.now()
            subs = list(rnd.submissions.select_related("agency"))
            for k, sub in enumerate(subs):
                # The last agency of the last quarter has not been approved: the report must say so.
                if i == len(DEMO_QUARTERS) - 1 and k == len(subs) - 1:
                    continue
                figures = demo_figures(
                    rng, district=sub.agency.kind == Agency.Kind.DISTRICT, growth=1.0 + 0.15 * i
                )
                Value.objects.bulk_create(
                    [
                        Value(
                            submission=sub,
                            code=c,
                            number=v,
                            version=1,
                            updated_at=now,
                            comment="DỮ LIỆU MINH HỌA",
                        )
                        for c, v in figures.items()
                    ]
                )
                # sent and approved within the round's dates (not on the day the demo is loaded:
                # a 2017 form "sent" in 2026 would read as years late)
                sent = _at(end + dt.timedelta(days=5 + k % 4))
                Submission.objects.filter(pk=sub.pk).update(
                    status=Submission.Status.APPROVED,
                    submitted_at=sent,
                    decided_at=sent + dt.timedelta(days=2),
                    version=2,
                )
        return created


def _at(day: dt.date) -> dt.datetime:
    """09:00 on ``day`` in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
