"""The reports' cast: the web tests' BaseTestCase plus a computed run for the test framework and two
approved quarterly rounds of the one-stop-shop form."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chiso.collection import services as collection
from chiso.collection.models import Submission, Value
from chiso.orgs import audit
from chiso.orgs.models import Agency
from chiso.reports.frameworks import QUARTERLY_ID
from chiso.reports.management.commands.load_quarterly_demo import Command as QuarterlyCommand
from chiso.results.models import IndexRun

from ..base import BaseTestCase

# agency code -> (received, online, on time, late, l3, l4, l3 used, l4 used)
Q1 = {
    "A": [100, 10, 90, 5, 20, 2, 8, 1],
    "B": [200, 30, 180, 12, 30, 4, 10, 2],
    "DEPT": [50, 5, 45, 0, 10, 1, 3, 0],
    "HUYEN": [400, 20, 380, 15, 12, 0, 4, 0],
}
Q2 = {
    "A": [120, 18, 110, 4, 22, 3, 9, 2],
    "B": [210, 35, 190, 15, 30, 5, 12, 3],
    "DEPT": [60, 9, 55, 1, 10, 2, 4, 1],
}
# HUYEN has not been approved in Q2: it must be listed as missing and left out of the totals.


class ReportsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.huyen = Agency.objects.create(
            code="HUYEN", name="UBND huyện Thử", kind="district", unit=cls.province
        )
        cls.index_run = IndexRun.objects.create(
            framework_id="test-fw",
            year=2024,
            unit_ref="P99",
            unit_name="Tỉnh Thử",
            basis="published",
            title="Bộ chỉ số thử nghiệm năm 2024 — từ bảng thử",
            is_demo=False,
            score=0.61,
            rank=25,
            n_units=63,
            summary={
                "target_rank": 20,
                "nodes": [
                    {
                        "code": "total",
                        "name": "Tổng",
                        "depth": 0,
                        "score": 0.61,
                        "rank": 25,
                        "best": 0.9,
                        "best_unit": "Tỉnh A",
                        "threshold": 0.65,
                        "scored": True,
                    },
                    {
                        "code": "staff",
                        "name": "Nhân lực",
                        "depth": 1,
                        "score": 0.42,
                        "rank": 40,
                        "best": 0.95,
                        "best_unit": "Tỉnh B",
                        "threshold": 0.6,
                        "scored": True,
                    },
                    {
                        "code": "online",
                        "name": "Trực tuyến",
                        "depth": 1,
                        "score": 0.8,
                        "rank": 12,
                        "best": 0.97,
                        "best_unit": "Tỉnh C",
                        "threshold": 0.7,
                        "scored": True,
                    },
                ],
            },
        )
        QuarterlyCommand().handle_one_matrix()
        cls.q1 = cls._quarter(2024, 1, Q1)
        cls.q2 = cls._quarter(2024, 2, Q2)

    @classmethod
    def _quarter(cls, year, quarter, figures):
        end = dt.date(year, quarter * 3, 28)
        rnd = collection.create_round(
            audit.Actor(),
            framework_id=QUARTERLY_ID,
            year=year,
            quarter=quarter,
            title=f"Quý {quarter}/{year}",
            opens_on=end - dt.timedelta(days=20),
            due_on=end,
            locks_on=end + dt.timedelta(days=5),
        )
        codes = [
            "ho_so_tiep_nhan",
            "ho_so_truc_tuyen",
            "ho_so_dung_han",
            "ho_so_tre_han",
            "dvc_muc_3",
            "dvc_muc_4",
            "dvc_muc_3_phat_sinh",
            "dvc_muc_4_phat_sinh",
        ]
        for sub in rnd.submissions.select_related("agency"):
            nums = figures.get(sub.agency.code)
            if nums is None:
                continue
            for c, v in zip(codes, nums):
                Value.objects.create(submission=sub, code=c, number=v, updated_at=timezone.now())
            Submission.objects.filter(pk=sub.pk).update(status=Submission.Status.APPROVED)
        return rnd
