"""A document's issuer, place name and recipients come from the province and the standing body in
force on the document's date (issue 11, item 3), read back from the generated DOCX.

2017: the Hà Nam reference case — UBND tỉnh Hà Nam / Sở TT&TT, "Hà Nam, ngày …", the districts.
March–June 2025: Hà Nam's Sở KH&CN (Sở TT&TT merged into it on 01/03/2025, Nghị quyết 202/2025/QH15
merged the provinces on 01/07/2025). 2026: the merged Ninh Bình and its Sở KH&CN, rows created here as
`setup_province` would, with the communes and wards as recipients. An empty deployment: the document
says that no standing body is in force instead of naming a province.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from chiso import docgen
from chiso.assessment import documents as assessment_documents
from chiso.assessment.models import Round
from chiso.docgen.template import apply as apply_template
from chiso.orgs.issuers import issuer
from chiso.orgs.models import Agency, Membership, Unit
from chiso.reports import documents, services
from chiso.reports.models import ReportJob

from .test_assessment_exports import docx_text  # paragraphs and table cells of a DOCX


def report_text(kind: str, params: dict) -> str:
    job = ReportJob(kind=kind, params=params)
    spec = documents.build(services.snapshot_for(job), params)
    spec, _warnings = apply_template(spec, services.wording(kind)[0])  # headings, opening sentence: the wording's
    return docx_text(docgen.render_docx(spec))


def progress_report(day: str) -> str:
    return report_text("progress", {"date_from": "2017-07-01", "date_to": "2017-12-31", "date": day})


def add_ninh_binh() -> None:
    """The merged province from 01/07/2025, its Sở KH&CN (standing body), its UBND and three of its
    communes/wards, as `setup_province "Ninh Bình" --as-of 2026-01-01` creates them."""
    start = dt.date(2025, 7, 1)
    # load_reference_case already holds the merged province (the successor of Hà Nam) and the wards
    # and communes Hà Nam's communes became; make sure of them whatever that loader holds.
    nb, _ = Unit.objects.update_or_create(
        ref_id="P37@2025-07-01",
        defaults={"code": "37", "name": "Tỉnh Ninh Bình", "kind": "province", "valid_from": start},
    )
    for ref, name in (("T1", "Phường Hoa Lư"), ("T2", "Phường Tây Hoa Lư"), ("T3", "Xã Gia Viễn")):
        Unit.objects.update_or_create(
            ref_id=f"test-{ref}",
            defaults={"code": ref, "name": name, "kind": "commune", "parent": nb, "valid_from": start},
        )
    Agency.objects.create(
        code="A37.UBND_TINH@2025-07-01",
        name="Ủy ban nhân dân tỉnh Ninh Bình",
        kind="province",
        unit=nb,
        valid_from=start,
    )
    skhcn = Agency.objects.create(
        code="A37.SKHCN@2025-07-01",
        name="Sở Khoa học và Công nghệ tỉnh Ninh Bình",
        kind="department",
        unit=nb,
        valid_from=start,
        is_standing_body=True,
    )
    # Hà Nam's Sở KH&CN (from 01/03/2025) ends with the province and is succeeded by Ninh Bình's.
    Agency.objects.filter(code="A35.SKHCN@2025-03-01").update(successor=skhcn)


class IssuerByDateTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", verbosity=0)
        add_ninh_binh()

    def test_a_2017_report_is_issued_by_ha_nam_s_department_of_information(self):
        text = progress_report("2018-01-15")
        self.assertIn("UBND TỈNH HÀ NAM", text)
        self.assertIn("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", text)
        self.assertIn("Hà Nam, ngày 15 tháng 01 năm 2018", text)
        self.assertIn("/BC-STTTT", text)
        self.assertIn("- UBND các huyện, thành phố;", text)
        self.assertNotIn("NINH BÌNH", text.upper())
        self.assertNotIn("UBND các xã, phường", text)

    def test_a_2026_report_is_issued_by_ninh_binh_s_department_of_science(self):
        text = progress_report("2026-01-15")
        self.assertIn("UBND TỈNH NINH BÌNH", text)
        self.assertIn("SỞ KHOA HỌC VÀ CÔNG NGHỆ", text)
        self.assertIn("Ninh Bình, ngày 15 tháng 01 năm 2026", text)
        self.assertIn("/BC-SKHCN", text)
        self.assertIn("- UBND các xã, phường;", text)
        self.assertNotIn("huyện", text)
        self.assertNotIn("Hà Nam", text)
        self.assertNotIn("THÔNG TIN VÀ TRUYỀN THÔNG", text)

    def test_between_the_two_mergers_ha_nam_s_department_of_science_issues(self):
        text = progress_report("2025-04-01")
        self.assertIn("UBND TỈNH HÀ NAM", text)
        self.assertIn("SỞ KHOA HỌC VÀ CÔNG NGHỆ", text)
        self.assertIn("Hà Nam, ngày 01 tháng 4 năm 2025", text)
        self.assertIn("- UBND các huyện, thành phố;", text)

    def test_the_day_each_reform_takes_effect(self):
        self.assertEqual(issuer(dt.date(2025, 2, 28)).issuing_body, "Sở Thông tin và Truyền thông")
        self.assertEqual(issuer(dt.date(2025, 3, 1)).issuing_body, "Sở Khoa học và Công nghệ")
        self.assertEqual(issuer(dt.date(2025, 6, 30)).province, "Hà Nam")
        first = issuer(dt.date(2025, 7, 1))
        self.assertEqual(
            (first.province, first.parent_body, first.local_level),
            ("Ninh Bình", "UBND TỈNH NINH BÌNH", "commune"),
        )

    def test_the_quarterly_report_takes_its_header_from_its_date(self):
        call_command("load_quarterly_demo", "--demo", verbosity=0)
        old = report_text("quarterly", {"year": 2017, "quarter": 4, "date": "2018-01-10"})
        self.assertIn("UBND TỈNH HÀ NAM", old)
        self.assertIn("trên địa bàn tỉnh Hà Nam", old)
        new = report_text("quarterly", {"year": 2017, "quarter": 4, "date": "2026-01-10"})
        self.assertIn("Ninh Bình, ngày 10 tháng 01 năm 2026", new)
        self.assertIn("- UBND các xã, phường;", new)

    def test_the_internal_ranking_decision_is_issued_by_the_province_of_its_date(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)
        rnd = Round.objects.get(year=2022, decision_number__startswith="86/")
        text = docx_text(assessment_documents.decision_docx(rnd))
        self.assertIn("ỦY BAN NHÂN DÂN TỈNH HÀ NAM", text)
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ NAM", text)
        self.assertIn("Hà Nam, ngày 20 tháng 3 năm 2023", text)
        # the grounds come from the framework's data, word for word as before
        self.assertIn(
            "Căn cứ Quyết định số 936/QĐ-UBND ngày 23 tháng 6 năm 2017 của Ủy ban nhân dân tỉnh ban hành "
            "Chương trình hành động nâng cao chỉ số ICT Index tỉnh Hà Nam;",
            text,
        )
        self.assertIn("đề nghị của Giám đốc Sở Thông tin và Truyền thông.", text)
        rnd.decision_date = dt.date(2026, 2, 5)  # the same round decided after the merger (not saved)
        text = docx_text(assessment_documents.decision_docx(rnd))
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", text)
        self.assertIn("Ninh Bình, ngày 05 tháng 02 năm 2026", text)
        self.assertIn("đề nghị của Giám đốc Sở Khoa học và Công nghệ.", text)
        self.assertIn("- Sở Khoa học và Công nghệ;", text)

    def test_a_scorecard_printed_today_is_headed_by_today_s_province(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)
        rnd = Round.objects.get(year=2022, decision_number__startswith="86/")
        text = docx_text(assessment_documents.scorecards_docx(rnd))
        self.assertIn("UBND TỈNH NINH BÌNH", text)
        self.assertIn("SỞ KHOA HỌC VÀ CÔNG NGHỆ", text)
        self.assertIn("- Lưu: VT, SKHCN.", text)


class SeveralStandingBodiesTestCase(TestCase):
    """After the 2025 merger one deployment holds the history of three provinces, each with its own
    standing body in 2017: a report says which province it is about."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", verbosity=0)
        nam_dinh = Unit.objects.create(
            ref_id="P36", code="36", name="Tỉnh Nam Định", kind="province", valid_to=dt.date(2025, 7, 1)
        )
        body = Agency.objects.create(
            code="A36.STTTT",
            name="Sở Thông tin và Truyền thông tỉnh Nam Định",
            kind="department",
            unit=nam_dinh,
            valid_to=dt.date(2025, 3, 1),
            is_standing_body=True,
        )
        # the body this deployment works in, by its members (more than the reference case's demo users)
        for name in ("namdinh.a", "namdinh.b", "namdinh.c", "namdinh.d", "namdinh.e", "namdinh.f"):
            user = get_user_model().objects.create(username=name)
            Membership.objects.create(user=user, agency=body, role="dept_officer")

    def test_without_a_province_the_body_with_members_issues(self):
        self.assertEqual(issuer(dt.date(2017, 6, 23)).province, "Nam Định")
        self.assertEqual(issuer(dt.date(2017, 6, 23), "P35").province, "Hà Nam")

    def test_a_program_s_report_is_issued_in_the_program_s_province(self):
        call_command("load_program_936", verbosity=0)
        text = progress_report("2018-01-15")
        self.assertIn("UBND TỈNH HÀ NAM", text)
        self.assertNotIn("NAM ĐỊNH", text)


    def test_a_decision_is_issued_in_the_province_of_the_round_s_units(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)
        self.assertEqual(issuer(dt.date(2023, 3, 20)).province, "Nam Định")
        rnd = Round.objects.get(year=2022, decision_number__startswith="86/")
        text = docx_text(assessment_documents.decision_docx(rnd))
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ NAM", text)
        self.assertNotIn("NAM ĐỊNH", text.upper())


class DocumentDateFormTestCase(TestCase):
    """The department dates a report in the request form; the header is read for that date."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)

    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="sotttt.thamdinh"))

    def test_the_date_asked_for_dates_the_report(self):
        form = {"kind": "progress", "date_from": "01/07/2017", "date_to": "31/12/2017", "date": "15/01/2018"}
        r = self.client.post("/bao-cao/tao/", form)
        self.assertEqual(r.status_code, 302)
        job = ReportJob.objects.get()
        self.assertEqual(job.params["date"], "2018-01-15")
        text = report_text(job.kind, job.params)
        self.assertIn("Hà Nam, ngày 15 tháng 01 năm 2018", text)
        self.assertIn("UBND TỈNH HÀ NAM", text)

    def test_a_date_in_the_future_is_refused(self):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        form = {"kind": "progress", "date_from": "01/07/2017", "date_to": "31/12/2017"}
        r = self.client.post("/bao-cao/tao/", {**form, "date": f"{tomorrow:%d/%m/%Y}"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Ngày văn bản không được ở tương lai.", status_code=400)
        self.assertFalse(ReportJob.objects.exists())


class EmptyDeploymentTestCase(TestCase):
    def test_nothing_in_force_names_no_province(self):
        text = progress_report("2026-01-15")
        self.assertIn("CHƯA CÓ CƠ QUAN THƯỜNG TRỰC CÓ HIỆU LỰC NGÀY 15/01/2026", text)
        self.assertIn("Ngày 15 tháng 01 năm 2026", text)
        self.assertNotIn("UBND TỈNH", text)
        self.assertNotIn("Hà Nam", text)
        self.assertNotIn("huyện", text)

    def test_a_province_whose_bodies_ended_is_not_printed_after_they_ended(self):
        call_command("load_reference_case", verbosity=0)
        who = issuer(dt.date(2026, 1, 15))
        self.assertFalse(who.found)
        self.assertEqual((who.province, who.parent_body), ("", ""))
        self.assertTrue(issuer(dt.date(2017, 6, 23)).found)
