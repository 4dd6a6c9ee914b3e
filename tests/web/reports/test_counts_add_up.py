"""Counts add up (issue 13, item 6): one rule makes the province's value of an indicator from its
agencies' values — summed for counts (dossiers, services), averaged for rates, shares and scores — and
both the results (``province_values``: runs, run page) and the quarterly report use it. Expected
numbers are hand sums of the figures in ``base.Q1``."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.utils import timezone

from chiso.collection.models import Submission, Value
from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.reports import services
from chiso.reports.frameworks import QUARTERLY_ID
from chiso.results.services import COMBINE_RULES, combine_rule, province_values

from . import files
from .base import ReportsTestCase

SRC = Path(__file__).resolve().parents[3] / "src" / "chiso"


def _fw(children: list[dict], **root) -> Framework:
    return Framework.from_dict({
        "id": "combine-fw", "name": {"vi": "Thử"}, "edition": 2024, "level": "province", "status": "provisional",
        "root": {"code": "r", "name": {"vi": "Tổng"}, "method": "weighted_mean", **root, "children": [
            {"code": "g", "name": {"vi": "Nhóm"}, "method": "weighted_mean", "children": children}]},
    })


def _ind(code: str, unit: str = "", **extra) -> dict:
    return {"code": code, "name": {"vi": code}, "unit": unit, "scoring": "ratio_to_max", **extra}


class CombineRuleTestCase(ReportsTestCase):
    def test_counts_are_summed_and_rates_averaged(self):
        fw = _fw([_ind("dossiers", "hồ sơ"), _ind("services", "dịch vụ"), _ind("pct", "%"),
                  _ind("subs", "thuê bao/100 dân"), _ind("score", "điểm (0–1)"), _ind("bare")])
        self.assertEqual([combine_rule(fw, c) for c in ("dossiers", "services", "pct", "subs", "score", "bare")],
                         ["sum", "sum", "mean", "mean", "mean", "mean"])
        self.assertEqual(combine_rule(fw, "unknown"), "mean")

    def test_the_framework_says_it_explicitly(self):
        # set on the indicator, or inherited from the nearest ancestor that sets it
        fw = _fw([_ind("officials", "người", combine="mean"), _ind("pct", "%"), _ind("n", "hồ sơ")], combine="sum")
        self.assertEqual([combine_rule(fw, c) for c in ("officials", "pct", "n")], ["mean", "sum", "sum"])

    def test_every_shipped_framework_names_a_known_rule(self):
        for path in [*(SRC / "frameworks").glob("*.yaml"), *(SRC / "reports" / "frameworks").glob("*.yaml")]:
            stack = [yaml.safe_load(path.read_text(encoding="utf-8"))["root"]]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    if "combine" in node:
                        self.assertIn(node["combine"], COMBINE_RULES, f"{path.name}: {node.get('code')}")
                    stack.extend(node.get("children") or [])
        fw = frameworks.get_framework(QUARTERLY_ID)
        self.assertEqual({combine_rule(fw, n.code) for n in fw.indicators}, {"sum"})

    def test_rates_of_two_agencies_are_averaged_and_counts_summed(self):
        # test-fw: total_staff (người: a count) and pct_online (%) reported by A and B
        for sub, staff, pct in ((self.sub_a, 10, 40), (self.sub_b, 15, 60)):
            Value.objects.create(submission=sub, code="total_staff", number=staff, updated_at=timezone.now())
            Value.objects.create(submission=sub, code="pct_online", number=pct, updated_at=timezone.now())
        Submission.objects.filter(pk__in=[self.sub_a.pk, self.sub_b.pk]).update(status="approved")
        values, origins = province_values(self.round)
        self.assertEqual(values["total_staff"], 25)  # 10 + 15
        self.assertEqual(values["pct_online"], 50)  # (40 + 60) / 2
        self.assertEqual(len(origins["pct_online"]), 2)


class QuarterlyCountsTestCase(ReportsTestCase):
    def test_the_province_total_is_the_sum_of_its_agencies(self):
        # Q1 (base.py): received 100 + 200 + 50 + 400 = 750; online 10 + 30 + 5 + 20 = 65;
        # on time 90 + 180 + 45 + 380 = 695; late 5 + 12 + 0 + 15 = 32; level 3 offered 20 + 30 + 10 + 12 = 72
        values, _origins = province_values(self.q1)
        self.assertEqual(
            (values["ho_so_tiep_nhan"], values["ho_so_truc_tuyen"], values["ho_so_tre_han"], values["dvc_muc_3"]),
            (750, 65, 32, 72),
        )
        job = services.run_job(
            services.create_job("quarterly", {"year": 2024, "quarter": 1, "date": "2024-04-10"},
                                audit.Actor(user=self.admin)).pk,
            pdf=False,
        )
        self.assertEqual(job.snapshot["total"]["ho_so_tiep_nhan"], 750)
        self.assertEqual(files.table_rows(job, "Bảng 1.")[-1][:5], ["Toàn tỉnh", "750", "65", "695", "32"])
        self.assertIn("các cơ quan tiếp nhận 750 hồ sơ, trong đó 65 hồ sơ trực tuyến", files.docx_text(job))
