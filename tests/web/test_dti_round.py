"""A round of a component-level DTI framework whose leads are set on main indices (from the
framework's data) and inherited by the components: each agency's form holds exactly the components it
leads — a component naming its own lead leaves the main index's agency's form — through the same
forms, rules, Excel template, submission and approval as any round."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from chiso.collection import excel, services
from chiso.collection.models import Submission, Value
from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.lib.xlsx import read_rows
from chiso.orgs import audit, provinces
from chiso.orgs.models import Responsibility

from .base import BaseTestCase

SAME = {"lead": ["so_tttt"], "support": ["so_noi_vu"], "basis": "QĐ 405/QĐ-BKHCN, Phụ lục (thử)"}
DTI_FW = Framework.from_dict({
    "id": "test-dti-round", "name": {"vi": "DTI 2024 thử (cấp thành phần)"}, "edition": 2024,
    "status": "provisional", "legal_basis": [{"number": "405/QĐ-BKHCN", "date": "2025-04-03"}],
    "root": {"code": "dti", "method": "weighted_mean", "children": [
        {"code": "cq", "name": {"vi": "Chính quyền số"}, "method": "weighted_mean", "responsibility": SAME,
         "children": [
             {"code": "cq_1", "name": {"vi": "Có nền tảng tích hợp, chia sẻ dữ liệu"}, "scoring": "yes_no",
              "range": [0, 1]},
             {"code": "cq_2", "name": {"vi": "Tỷ lệ văn bản điện tử"}, "unit": "%", "range": [0, 100],
              "scoring": "ratio_to_max", "responsibility": {"lead": ["so_tu_phap"], "proposal": True}},
             {"code": "cq_3", "name": {"vi": "Tỷ lệ hồ sơ trực tuyến toàn trình"}, "unit": "%", "range": [0, 100],
              "scoring": "ratio_to_max"},
         ]},
        {"code": "ns", "name": {"vi": "Nhân lực số"}, "method": "weighted_mean",
         "responsibility": {"lead": ["so_noi_vu"], "proposal": True},
         "children": [{"code": "ns_1", "name": {"vi": "Cán bộ chuyên trách"}, "unit": "người", "range": [0, None],
                       "scoring": "ratio_to_max"},
                      {"code": "ns_2", "name": {"vi": "Cán bộ được đào tạo"}, "unit": "người", "range": [0, None],
                       "scoring": "ratio_to_max"}]},
        {"code": "kt", "name": {"vi": "Kinh tế số"}, "method": "weighted_mean",
         "children": [{"code": "kt_1", "name": {"vi": "Doanh nghiệp số"}, "range": [0, None],
                       "scoring": "ratio_to_max"}]},
    ]},
})


class DtiRoundBase(BaseTestCase):
    """Agency A holds the role so_tttt (Sở KH&CN since 01/03/2025), B so_tu_phap, the department
    so_noi_vu; the matrix is filled from the framework's data by ``setup_province``'s loader."""

    @classmethod
    def setUpClass(cls):
        frameworks.register(DTI_FW)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        frameworks.unregister(DTI_FW.id)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        in_force = [(cls.a, "SKHCN"), (cls.b, "STP"), (cls.dept, "SNV")]
        provinces._load_matrix(in_force, dt.date(2026, 12, 6))
        today = timezone.localdate()
        cls.dti = services.create_round(
            audit.Actor(), framework_id=DTI_FW.id, year=2024, quarter=None, title="Thu thập DTI 2024",
            opens_on=today - dt.timedelta(days=5), due_on=today + dt.timedelta(days=10),
            locks_on=today + dt.timedelta(days=20))
        cls.dti_a = Submission.objects.get(round=cls.dti, agency=cls.a)
        cls.dti_b = Submission.objects.get(round=cls.dti, agency=cls.b)
        cls.dti_dept = Submission.objects.get(round=cls.dti, agency=cls.dept)


class DtiRoundTestCase(DtiRoundBase):
    def test_the_matrix_is_set_on_main_indices_and_one_component(self):
        got = set(Responsibility.objects.filter(framework_id=DTI_FW.id).values_list("code", "agency__code", "role"))
        self.assertEqual(got, {("cq", "A", "lead"), ("cq", "DEPT", "support"), ("cq_2", "B", "lead"),
                               ("ns", "DEPT", "lead")})

    def test_each_agency_gets_a_form_with_exactly_the_components_it_leads(self):
        self.assertEqual(set(self.dti.submissions.values_list("agency__code", flat=True)), {"A", "B", "DEPT"})
        self.assertEqual(services.indicator_codes(DTI_FW, self.a.pk), ["cq_1", "cq_3"])
        self.assertEqual(services.indicator_codes(DTI_FW, self.b.pk), ["cq_2"])
        self.assertEqual(services.indicator_codes(DTI_FW, self.dept.pk), ["ns_1", "ns_2"])
        self.login(self.alice)
        r = self.client.get(f"/bieu-mau/{self.dti_a.pk}/")
        self.assertContains(r, "Tỷ lệ hồ sơ trực tuyến toàn trình")
        self.assertNotContains(r, "Tỷ lệ văn bản điện tử")  # Sở Tư pháp's
        self.assertContains(r, "Bộ chỉ số DTI 2024 thử (cấp thành phần) (405/QĐ-BKHCN) — cấu trúc tạm, điểm từng "
                               "chỉ số chưa công bố")

    def test_a_component_of_another_agency_is_refused(self):
        # called outside a request: the message is in the active language, so make it Vietnamese here
        with translation.override("vi"), self.assertRaises(ValueError) as cm:
            services.save_values(self.dti_a.pk, [services.Change("cq_2", "50")], audit.Actor(user=self.alice))
        self.assertIn("không thuộc biểu mẫu", cm.exception.errors["cq_2"])
        self.assertFalse(Value.objects.filter(submission=self.dti_a).exists())

    def test_the_excel_template_lists_the_agency_components(self):
        rows = read_rows(excel.template_bytes(self.dti_a)).rows
        self.assertEqual([cells[0] for _n, cells in rows], ["cq_1", "cq_3"])

    def test_it_goes_through_entry_submission_and_approval(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.dti_a.pk}/chi-so/cq_3/", {"value": "150"}, HTTP_HX_REQUEST="true")
        self.assertEqual(r["X-Chiso-Status"], "400")
        self.assertContains(r, "ngoài khoảng cho phép")  # the framework's range
        self.assertEqual(self.client.post(f"/bieu-mau/{self.dti_a.pk}/chi-so/cq_2/", {"value": "5"}).status_code,
                         404)  # Sở Tư pháp's component
        for code, raw in (("cq_1", "có"), ("cq_3", "85,5")):
            self.client.post(f"/bieu-mau/{self.dti_a.pk}/chi-so/{code}/", {"value": raw})
        self.assertEqual(dict(Value.objects.filter(submission=self.dti_a).values_list("code", "number")),
                         {"cq_1": 1.0, "cq_3": 85.5})
        self.login(self.anna)
        self.assertEqual(self.client.post(f"/bieu-mau/{self.dti_a.pk}/gui/").status_code, 302)
        self.login(self.admin)
        self.assertEqual(self.client.post(f"/bieu-mau/{self.dti_a.pk}/phe-duyet/").status_code, 302)
        self.dti_a.refresh_from_db()
        self.assertEqual(self.dti_a.status, Submission.Status.APPROVED)
        board = {row.submission.agency.code: (row.filled, row.total)
                 for row in services.completeness(self.dti, self.dti.submissions.all())}
        self.assertEqual(board, {"A": (2, 2), "B": (0, 1), "DEPT": (0, 2)})
