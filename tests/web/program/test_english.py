"""The program, recommendation, report and public pages in English: switched with the header's
language selector, every visible string of the page is English.

Data stays in the language it was entered in (task names, agency names, the decision's text,
answers...). So the test takes the visible text of each page (its title, its main content and the
tooltips), removes every string stored in the database, and asserts that no Vietnamese letter
remains: what is left is the page's own wording, and it must be English."""

from __future__ import annotations

import datetime as dt
import html
import re

from django.apps import apps
from django.db import models

from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import IndexPublication, Obligation, Occurrence
from chiso.reports.models import ReportJob

from .base import ProgramTestCase

# Letters that occur in Vietnamese and not in English (precomposed, as Django and browsers send them).
VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")
APPS = ("program", "orgs", "collection", "results", "reports", "auth")


def data_strings() -> list[str]:
    """Every text stored in the database (names, titles, texts, labels, user names...)."""
    out: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            out.update(v for v in row if isinstance(v, str) and v.strip())
    for fw in _frameworks():  # index components' names are data too (framework files)
        for code in fw.codes:
            for lang in ("vi", "en"):
                out.add(fw.node(code).label(lang))
        out.add(fw.label("vi"))
    return sorted(out, key=len, reverse=True)


def _frameworks():
    from chiso.program.models import Program

    out = []
    for fw_id in {p.framework_id for p in Program.objects.all()}:
        try:
            out.append(frameworks.get_framework(fw_id))
        except Exception:  # not shipped
            continue
    return out


def visible_text(page: str) -> str:
    """The page's title, main content and tooltips, as text (form values are data: left out)."""
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    main = page[page.index("<main") : page.index("</main>")]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    main = re.sub(r"<textarea[^>]*>.*?</textarea>", " ", main, flags=re.S)
    tips = re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', main)
    text = re.sub(r"<[^>]+>", " ", main)
    return html.unescape(" ".join([title, text, *tips]))


class EnglishPagesTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        officer = audit.Actor(user=self.officer)
        self.report = self.approved_a(percent=30, reported=2.0)
        rec = services.submit_recommendation(
            audit.Actor(user=self.alice),
            program=self.program,
            agency=self.a,
            title="Kiến nghị về phần mềm",
            body="Nội dung kiến nghị",
            task=self.task1,
        )
        services.act_on_recommendation(rec.pk, officer, "comment", text="Ý kiến của Sở")
        services.act_on_recommendation(rec.pk, officer, "answer", text="Trả lời của Sở")
        services.act_on_recommendation(rec.pk, officer, "publish")
        self.rec = rec
        Obligation.objects.create(
            program=self.program,
            title="Hội nghị",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )
        services.record_publication(self.program, officer, year=2018, published_on=dt.date(2019, 5, 10))
        services.update_kpi(
            self.kpi_rep.pk,
            officer,
            changes={"target": 5.0},
            expected_version=self.kpi_rep.version,
            reason="Điều chỉnh",
        )
        self.job = ReportJob.objects.create(
            kind="annual",
            title="Báo cáo năm 2024",
            params={"year": 2024},
            step="Thu thập số liệu",
            created_by=self.officer,
        )
        self.assertTrue(Occurrence.objects.exists() and IndexPublication.objects.exists())

    def switch_to_english(self, user=None):
        if user is not None:
            self.login(user)
        r = self.client.post("/i18n/setlang/", {"language": "en", "next": "/cong-khai/"})
        self.assertEqual(r.status_code, 302)

    def assert_english(self, url: str, expect: str):
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        page = r.content.decode()
        self.assertIn('<html lang="en">', page, url)
        self.assertIn(expect, page, url)  # an English phrase of this page: the page really is translated
        # Official symbols of Vietnamese legal documents are names, kept as such in English text
        # ("Decree 30/2020/NĐ-CP").
        text = re.sub(r"\b\d+/\d{4}/[A-ZĐ]+(?:-[A-ZĐ]+)*", " ", visible_text(page))
        for s in data_strings():
            text = text.replace(s, " ")
        left = [
            text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ") for m in VIETNAMESE.finditer(text)
        ]
        self.assertEqual(left, [], f"{url}: Vietnamese page text left in English")

    def test_the_department_pages_in_english(self):
        self.switch_to_english(self.officer)
        p, kpi = self.program.pk, self.kpi_rep.pk
        for url, expect in [
            (f"/chuong-trinh/{p}/", "Whole program"),
            (f"/chuong-trinh/{p}/?ngay=15/11/2017", "Evaluated on"),
            (f"/chuong-trinh/{p}/nhiem-vu/1/", "Related recommendations"),
            (f"/chuong-trinh/{p}/phan-cong/", "Assignments"),
            (f"/chuong-trinh/{p}/ke-hoach/", "Agencies' own plans"),
            (f"/chuong-trinh/{p}/dinh-ky/", "Recurring obligations"),
            (f"/chuong-trinh/{p}/cong-bo-chi-so/", "Record a publication"),
            (f"/chuong-trinh/{p}/qua-han/?ngay=01/02/2018", "Send reminders"),
            (f"/chuong-trinh/{p}/tien-do/?quy=2017-3", "Quarterly progress"),
            (f"/tien-do/{self.report.pk}/", "Progress report"),
            (f"/chuong-trinh/{p}/chi-tieu/{kpi}/sua/", "Change (before → after)"),
            (f"/chuong-trinh/{p}/muc-tieu/{self.objective.pk}/sua/", "Edit specific objective"),
            ("/kien-nghi/", "Export to Excel"),
            ("/kien-nghi/?trang_thai=answered", "Export to Excel"),
            (f"/kien-nghi/{self.rec.pk}/", "Steps"),
            ("/bao-cao/", "Generate the report"),
            (f"/bao-cao/{self.job.pk}/", "— Data collection"),  # the job's step, stored as its msgid
            ("/cong-khai/", "Answered recommendations"),
        ]:
            self.assert_english(url, expect)

    def test_the_writing_page_with_draft_tasks_in_english(self):
        from chiso.program.models import Task

        Task.objects.filter(pk=self.task1.pk).update(is_draft=True)  # as a plan's proposal, not yet issued
        self.switch_to_english(self.admin)  # the department's administrator writes the program
        p = self.program.pk
        self.assert_english(f"/chuong-trinh/{p}/soan/", "Draft tasks awaiting issue")
        self.client.post(f"/chuong-trinh/{p}/soan/du-thao/ban-hanh/", {})
        self.assert_english(f"/chuong-trinh/{p}/soan/", "No draft task selected.")
        self.client.post(f"/chuong-trinh/{p}/soan/du-thao/bo/", {"task": [self.task2.pk]})  # an issued task
        self.assert_english(f"/chuong-trinh/{p}/soan/", "Only draft tasks not yet issued can be discarded.")
        self.client.post(f"/chuong-trinh/{p}/soan/du-thao/ban-hanh/", {"task": [self.task1.pk]})
        self.assert_english(f"/chuong-trinh/{p}/soan/", "Tasks issued: 1.")

    def test_an_agency_and_an_anonymous_visitor_in_english(self):
        self.switch_to_english(self.alice)
        self.assert_english("/kien-nghi/moi/", "Send a difficulty or proposal")
        self.assert_english(f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/02/2018", "Overdue tasks")
        self.client.logout()
        self.switch_to_english()
        self.assert_english("/cong-khai/", "Published results")

    def test_the_same_pages_stay_vietnamese_by_default(self):
        self.login(self.officer)
        page = self.client.get(f"/chuong-trinh/{self.program.pk}/").content.decode()
        self.assertIn("Toàn chương trình", page)
        self.assertIn('<html lang="vi">', page)
