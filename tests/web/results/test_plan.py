"""The least-cost plan in the browser: set up on a run, computed, kept, turned into draft tasks that
the department issues.

The cast (``ResultsTestCase``): five provinces of DTI 2022; each main index k (0–8) of a province is
its base + 0.01·k.  With the QĐ 922 points (100, 100, 100, 100, 100, 0, 200, 150, 150 of 1 000) a
province's DTI is its base + 0.01·(100·(0+1+2+3+4) + 200·6 + 150·7 + 150·8)/1 000 = base + 0.0445:
Đà Nẵng 0.8445, Hà Nội 0.7445, Ninh Bình 0.6445, Hà Nam 0.5445 (rank 4), Nam Định 0.4445.  Hà Nam
reaches rank 3 when its DTI gains 0.1 (a tie with Ninh Bình is rank 3 in competition ranking).
Per unit of raw gain the 200-point index buys 0.2 of DTI, the 150-point ones 0.15, the 100-point
ones 0.1 — the expected plans below follow from that by hand.
"""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from chiso.engine.compute import compute
from chiso.lib import frameworks
from chiso.orgs.models import AuditEntry, Responsibility
from chiso.program.models import Program, Task
from chiso.results.models import Plan

from .base import DTI, MAINS, ResultsTestCase


def _post(rows, **extra):
    data = {"target_rank": "3", "years": "1", "peers_rate": "0", "deadline": "2027-12-31"}
    for code in MAINS:
        data[f"use_{code}"] = "1"
        data[f"cost_{code}"] = "1"
    data.update(rows)
    data.update(extra)
    return data


class PlanPageTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The matrix of the day: agency A leads the 200-point index, B the two 150-point ones, the
        # department (its standing body) the rest through the root.
        for code, agency in (("hoat_dong_chinh_quyen_so", cls.a), ("hoat_dong_kinh_te_so", cls.b),
                             ("hoat_dong_xa_hoi_so", cls.b), ("dti", cls.dept)):
            Responsibility.objects.create(framework_id=DTI, code=code, agency=agency, role="lead",
                                          note="Căn cứ: thử nghiệm")
        today = timezone.localdate()
        cls.program = Program.objects.create(
            code="ct-thu", title="Chương trình thử", decision_number="1/QĐ-UBND", decision_date=today,
            issuer="UBND tỉnh", signer="A", signer_title="Chủ tịch", starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year + 4, 12, 31), framework_id=DTI, standing_body=cls.dept)

    def _caps(self, cap: str) -> dict:
        return {f"cap_{code}": cap for code in MAINS}

    def test_the_page_lists_every_component_with_the_best_peer_and_the_default_cap(self):
        self.login(self.admin)
        r = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/")
        self.assertEqual(r.status_code, 200)
        body = r.content.decode()
        self.assertIn("Hoạt động chính quyền số", body)
        self.assertIn("0,8600", body)  # Đà Nẵng's 0.80 + 0.06, the best peer on that index
        self.assertIn("0,1000", body)  # the default yearly cap (no history)
        self.assertNotIn("hoat_dong_chinh_quyen_so<", body)  # names, not codes, in the text

    def test_the_plan_spreads_as_the_caps_force_and_holds_when_recomputed_as_printed(self):
        self.login(self.admin)
        r = self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post(self._caps("0,25")))
        plan = Plan.objects.get()
        self.assertRedirects(r, f"/ket-qua/ke-hoach/{plan.pk}/", fetch_redirect_response=False)
        to = {c["code"]: c["to"] for c in plan.result["changes"]}
        # the 200-point index to its cap first (0.56 + 0.25), then 0.05 of DTI from the 150-point pair:
        # 0.05 / 0.15 = 0.3333… of raw gain between them; no 100-point index moves
        self.assertAlmostEqual(to["hoat_dong_chinh_quyen_so"], 0.81, places=4)
        pair = to.get("hoat_dong_kinh_te_so", 0.57) - 0.57 + to.get("hoat_dong_xa_hoi_so", 0.58) - 0.58
        self.assertAlmostEqual(pair, 1 / 3, delta=0.0003)
        self.assertTrue(set(to) <= {"hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so"})
        self.assertLessEqual(plan.rank_after, 3)
        # as printed: 4 decimals, recomputed independently of the plan's own figures
        for v in to.values():
            self.assertEqual(round(v, 4), v)
        self._assert_rank_with(to, 3)
        page = self.client.get(f"/ket-qua/ke-hoach/{plan.pk}/").content.decode()
        self.assertIn("0,8100", page)
        self.assertIn(str(self.a.name), page)  # the lead of the 200-point index
        self.assertIn("hạng 3", page)

    def _assert_rank_with(self, to: dict, k: int) -> None:
        fw = frameworks.get_framework(DTI)
        data = {}
        for name, base in (("Hà Nam", 0.50), ("Đà Nẵng", 0.80), ("Hà Nội", 0.70), ("Nam Định", 0.40),
                           ("Ninh Bình", 0.60)):
            data[name] = {code: round(base + 0.01 * j, 4) for j, code in enumerate(MAINS)}
        data["Hà Nam"].update(to)
        res = compute(fw, data)
        self.assertLessEqual(res.rank_of("Hà Nam"), k)

    def test_with_the_default_caps_every_lever_goes_to_its_cap_and_the_tie_is_rank_3(self):
        self.login(self.admin)
        self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post({}))
        plan = Plan.objects.get()
        to = {c["code"]: c["to"] for c in plan.result["changes"]}
        # 0.02 + 2·0.015 + 5·0.01 = 0.1: every scored index +0.10, nothing above the best peer
        self.assertEqual(len(to), 8)
        for j, code in enumerate(MAINS):
            if code in to:
                self.assertAlmostEqual(to[code], 0.60 + 0.01 * j, places=4)
        self._assert_rank_with(to, 3)

    def test_an_unreachable_target_says_the_best_rank_and_writes_nothing(self):
        self.login(self.admin)
        r = self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post({}, target_rank="1"))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Không đạt được hạng 1", status_code=400)
        self.assertContains(r, "tỉnh đạt hạng 3", status_code=400)
        self.assertFalse(Plan.objects.exists())

    def test_bad_numbers_are_named_by_field(self):
        self.login(self.admin)
        r = self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/",
                             _post({"cap_the_che_so": "nhiều", "cost_nhan_luc_so": "-1"}, target_rank="nan"))
        self.assertEqual(r.status_code, 400)
        body = r.content.decode()
        self.assertIn("“nhiều” không phải là số", body)
        self.assertIn("Thứ hạng mục tiêu", body)
        self.assertFalse(Plan.objects.exists())

    def test_only_the_department_makes_plans(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/").status_code, 403)
        self.assertEqual(self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post({})).status_code, 403)
        self.client.logout()
        r = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/")
        self.assertEqual(r.status_code, 302)

    def test_the_plan_becomes_draft_tasks_that_count_only_once_issued(self):
        from chiso.program import services as program_services

        self.login(self.admin)
        self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post(self._caps("0,25")))
        plan = Plan.objects.get()
        r = self.client.post(f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/")
        self.assertRedirects(r, f"/chuong-trinh/{self.program.pk}/soan/", fetch_redirect_response=False)
        tasks = list(Task.objects.filter(program=self.program).order_by("number"))
        self.assertEqual(len(tasks), len(plan.result["changes"]))
        self.assertTrue(all(t.is_draft for t in tasks))
        lead = {t.components[0]: t.lead_agency for t in tasks}
        self.assertEqual(lead["hoat_dong_chinh_quyen_so"], self.a)
        kpi = Task.objects.get(components=["hoat_dong_chinh_quyen_so"]).kpis.get()
        self.assertAlmostEqual(kpi.baseline, 0.56)
        self.assertAlmostEqual(kpi.target, 0.81)
        self.assertEqual(kpi.due_on, dt.date(2027, 12, 31))
        # drafts are not tracked yet: not on the board
        self.assertEqual(program_services.board(self.program).tasks, [])
        # a second click makes nothing more
        self.client.post(f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/")
        self.assertEqual(Task.objects.filter(program=self.program).count(), len(tasks))
        # the department issues them: tracked like every task
        r = self.client.post(f"/chuong-trinh/{self.program.pk}/soan/du-thao/ban-hanh/",
                             {"task": [t.pk for t in tasks]})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Task.objects.filter(program=self.program, is_draft=True).exists())
        self.assertEqual(len(program_services.board(self.program).tasks), len(tasks))
        self.assertTrue(AuditEntry.objects.filter(action="task.issue").exists())
        page = self.client.get(f"/ket-qua/ke-hoach/{plan.pk}/").content.decode()
        self.assertNotIn("dự thảo, chờ ban hành", page)

    def test_a_lever_without_a_lead_is_refused_and_nothing_is_written(self):
        Responsibility.objects.filter(framework_id=DTI, code="dti").delete()
        self.login(self.admin)
        self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post({}))
        plan = Plan.objects.get()
        r = self.client.post(f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/", follow=True)
        self.assertContains(r, "Chưa có cơ quan chủ trì cho")
        self.assertFalse(Task.objects.exists())

    @override_settings(CHISO_PLAN_MAX_GAIN=0.02)
    def test_the_yearly_cap_comes_from_the_setting_without_history(self):
        self.login(self.admin)
        r = self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/",
                             _post({k: v for k, v in self._caps("").items()}))
        # 0.02 on every lever gives 0.02 of DTI at most: rank 3 is out of reach (rank 4 stays)
        self.assertContains(r, "Không đạt được hạng 3", status_code=400)

    def test_the_yearly_cap_comes_from_the_province_own_history(self):
        from chiso.results.models import PublishedTable, PublishedValue

        old = PublishedTable.objects.create(framework_id=DTI, year=2021, title="DTI 2021 thử", kind="import",
                                            source="https://example.org/dti-2021")
        # Hà Nam's 200-point index was 0.50 in 2021 and is 0.56 in 2022: its best yearly gain is 0.06
        PublishedValue.objects.create(table=old, unit_ref="P35", unit_name="Hà Nam", code="hoat_dong_chinh_quyen_so",
                                      value=0.50, source=old.source)
        self.login(self.admin)
        body = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/").content.decode()
        row = body[body.index("Hoạt động chính quyền số"):]
        row = row[:row.index("</tr>")]
        self.assertIn("0,0600", row)
        self.assertIn("theo lịch sử của tỉnh", row)

    def test_the_plan_rank_becomes_the_province_target_when_ticked(self):
        from chiso.results.models import Target

        self.login(self.admin)
        page = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/").content.decode()
        self.assertIn('id="set_target" checked', page)  # no target recorded: ticked by default
        self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post(self._caps("0,25"), set_target="1"))
        self.assertEqual(Target.objects.get(framework_id=DTI).rank, 3)
        self.assertTrue(AuditEntry.objects.filter(action="results.target.change").exists())
        # recorded now: not ticked, and a plan to another rank leaves it
        page = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/").content.decode()
        self.assertIn('id="set_target">', page)
        self.client.post(f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/", _post({}, target_rank="4"))
        self.assertEqual(Target.objects.get(framework_id=DTI).rank, 3)
