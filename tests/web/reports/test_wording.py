"""The department's wording of its documents: draft, tried at once, previewed on real data, put in use
by the department's administrator, and back to the shipped wording; errors name the line."""

from __future__ import annotations

from django.urls import reverse

from chiso.orgs import audit
from chiso.reports import services
from chiso.reports.models import DocumentTemplate, ReportJob

from .base import ReportsTestCase
from .files import docx_text

OURS = "@trích yếu: Tình hình tiếp nhận hồ sơ của tỉnh (mẫu của Sở)\nĐoạn văn do cơ quan tự viết.\n"


class WordingTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        job = services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=cls.admin))
        cls.first = services.run_job(job.pk, pdf=False)

    def draft(self, text=OURS, user=None):
        self.login(user or self.officer)
        return self.client.post(reverse("wording_edit", args=["quarterly"]), {"text": text, "note": "thử"})

    def test_a_draft_is_previewed_on_the_latest_data_and_not_used_before_it_is_put_in_use(self):
        r = self.draft()
        preview = ReportJob.objects.get(is_preview=True)
        self.assertRedirects(r, reverse("report_detail", args=[preview.pk]), fetch_redirect_response=False)
        self.assertEqual(preview.params, self.first.params)
        preview = services.run_job(preview.pk, pdf=False)
        self.assertEqual(preview.status, ReportJob.Status.DONE, preview.error)
        text = docx_text(preview)
        self.assertIn("Tình hình tiếp nhận hồ sơ của tỉnh (mẫu của Sở)", text)
        self.assertIn("Đoạn văn do cơ quan tự viết.", text)
        self.assertIn("BẢN XEM TRƯỚC MẪU VĂN BẢN", text)
        # a document made now still takes the wording in use
        plain = services.run_job(
            services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=self.admin)).pk, pdf=False
        )
        self.assertNotIn("mẫu của Sở", docx_text(plain))

    def test_the_administrator_puts_a_previewed_draft_in_use_and_can_go_back(self):
        self.draft()
        tpl = DocumentTemplate.objects.get()
        preview = ReportJob.objects.get(is_preview=True)
        # not before its preview is written
        self.login(self.admin)
        self.client.post(reverse("wording_activate", args=[tpl.pk]))
        tpl.refresh_from_db()
        self.assertEqual(tpl.status, DocumentTemplate.Status.DRAFT)
        services.run_job(preview.pk, pdf=False)
        # an officer may draft, not put in use
        self.login(self.officer)
        self.client.post(reverse("wording_activate", args=[tpl.pk]))
        tpl.refresh_from_db()
        self.assertEqual(tpl.status, DocumentTemplate.Status.DRAFT)
        self.login(self.admin)
        page = self.client.get(reverse("report_detail", args=[preview.pk]))
        self.assertContains(page, "Dùng mẫu này cho các văn bản từ nay")
        self.client.post(reverse("wording_activate", args=[tpl.pk]))
        tpl.refresh_from_db()
        self.assertEqual(tpl.status, DocumentTemplate.Status.ACTIVE)
        job = services.run_job(
            services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=self.admin)).pk, pdf=False
        )
        text = docx_text(job)
        self.assertIn("mẫu của Sở", text)
        self.assertNotIn("BẢN XEM TRƯỚC", text)
        self.assertEqual(job.template_id, tpl.pk)
        # back to the shipped wording
        self.client.post(reverse("wording_restore", args=["quarterly"]))
        tpl.refresh_from_db()
        self.assertEqual(tpl.status, DocumentTemplate.Status.RETIRED)
        job = services.run_job(
            services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=self.admin)).pk, pdf=False
        )
        self.assertNotIn("mẫu của Sở", docx_text(job))

    def test_a_template_that_does_not_work_is_refused_with_its_line_and_nothing_is_saved(self):
        for text, expected in (
            ("Đoạn đầu.\nNăm {{ khong_co_bien_nay }}.\n", "Dòng 2"),
            ("Đoạn đầu.\n[[khong_co_phan_nay]]\n", "Dòng 2"),
            ("@tác giả: tôi\n", "Không biết mục"),
            ("{% if %}\n", "Sai cú pháp"),
            ("{{ ''.__class__.__mro__ }}\n", "không được phép"),
        ):
            r = self.draft(text)
            self.assertEqual(r.status_code, 400, text)
            self.assertContains(r, expected, status_code=400)
            self.assertContains(r, 'aria-invalid="true"', status_code=400)
        self.assertFalse(DocumentTemplate.objects.exists())
        self.assertFalse(ReportJob.objects.filter(is_preview=True).exists())

    def test_the_editor_lists_the_kinds_and_shows_the_wording_in_use(self):
        self.login(self.officer)
        r = self.client.get(reverse("wording_list"))
        self.assertContains(r, "Báo cáo quý về Một cửa điện tử")
        self.assertContains(r, "Mẫu có sẵn của chiso")
        r = self.client.get(reverse("wording_edit", args=["quarterly"]))
        self.assertContains(r, "Lưu bản nháp và xem trước")
        self.assertEqual(self.client.get(reverse("wording_edit", args=["khong-co"])).status_code, 404)

    def test_only_the_department_reaches_the_wording(self):
        for user in (self.leader, self.alice, self.anna, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(reverse("wording_list")).status_code, 403, user)
            self.assertEqual(self.client.get(reverse("wording_edit", args=["quarterly"])).status_code, 403, user)
            r = self.client.post(reverse("wording_edit", args=["quarterly"]), {"text": OURS})
            self.assertEqual(r.status_code, 403, user)
        self.assertFalse(DocumentTemplate.objects.exists())
