"""In English, the collection, organisation and results pages show no Vietnamese of their own.

Each page is rendered with the language switch set to English; its visible text (text nodes and
the placeholder/title/aria-label attributes, not scripts or styles) of the title and the main
content is taken (the header comes from base.html, shared with the other apps), the data the page
shows is cut out (agency, unit, user and round names, the framework's names, definitions and
sources, rule messages, comments: everything the test itself put in the database, which stays
as entered), and what remains must hold no Vietnamese letter (ă â đ ê ô ơ ư or a tone mark).
An untranslated label, button, heading, message or form error fails the test with its text.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection import services
from chiso.collection.models import Round, ValidationRule, Value
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs.models import Agency, Responsibility, Unit
from chiso.program.models import Kpi, Program, Task
from chiso.results.models import IndexRun, Plan, PublishedTable, PublishedValue, Target

from .base import TEST_FW, BaseTestCase
from .results.base import DTI, ResultsTestCase
from .results.test_import_published import CONFIRM, XLSX, XLSX_TYPE, _edited
from .results.test_import_published import URL as IMPORT
from .results.test_plan import _post as plan_form

# Vietnamese letters that English never uses (lower and upper case, with and without tones).
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]"
)


# The number of a legal document is a proper name, the same in every language: 936/QĐ-UBND.
DOCUMENT_NUMBER = re.compile(r"\b\d+/QĐ-[A-ZĐ]+")


class VisibleText(HTMLParser):
    """Text a reader sees: text nodes outside script/style, and the attributes shown as text."""

    SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRS and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_lines(html: str) -> list[str]:
    p = VisibleText()
    p.feed(html)
    return p.parts


class EnglishPagesTestCase(BaseTestCase):
    maxDiff = None

    def setUp(self):
        self.client.cookies["chiso_language"] = "en"
        self.fill_a(total="5", it="8")  # breaks the critical rule: the cross-check box shows
        services.save_values(
            self.sub_a.pk,
            [services.Change("total_staff", "5", comment="Theo báo cáo năm")],
            audit.Actor(user=self.alice),
        )
        self.client.force_login(self.alice)
        self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/it_staff/minh-chung/",
            {"file": SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 x")},
        )

    def data_strings(self) -> list[str]:
        """Everything the pages show as data, longest first (so a name is cut before its parts)."""
        out: set[str] = {"Tiếng Việt"}  # the language switch names each language in itself
        for node in TEST_FW.nodes:
            out.update(
                v for v in (*node.name.values(), *node.definition.values(), node.source, node.unit) if v
            )
            if node.scoring is not None:
                out.update(str(k) for k in (node.scoring.params.get("levels") or {}))
        out.update(TEST_FW.name.values())
        # A framework without an English name is shown by its Vietnamese one (data, as entered).
        for kind in ("index", "internal"):
            for fw_id, _label in frameworks.framework_choices(kind):
                out.add(frameworks.get_framework(fw_id).label("en"))
        for a in Agency.objects.all():
            out.update(s for s in (a.name, a.short_name) if s)
        out.update(Unit.objects.values_list("name", flat=True))
        out.update(Round.objects.values_list("title", flat=True))
        out.update(ValidationRule.objects.values_list("message", flat=True))
        out.update(c for c in Value.objects.values_list("comment", flat=True) if c)
        out.update(n for u in User.objects.all() for n in (u.get_full_name(), u.username) if n)
        out.update(Target.objects.values_list("basis", flat=True))
        out.update(self.extra_data)
        return sorted(out, key=len, reverse=True)

    # what the tests below type in, and the column headers an imported file may use (quoted in the help)
    extra_data: tuple[str, ...] = ("Thiếu số liệu", "Kiểm tra lại", "“tỉnh”", "“hạng”", "“xếp hạng”",
                                   "“Tỉnh, thành phố”", "“Chỉ số DTI”", "“Xếp hạng”", "nhiều")

    @staticmethod
    def own_part(html: str) -> str:
        """The page's title and main content: what these apps render. The header's navigation
        and footer come from base.html, shared with the other apps, whose own tests answer for
        their links."""
        title = re.search(r"<title>.*?</title>", html, flags=re.S)
        main = re.search(r"<main[^>]*>.*</main>", html, flags=re.S)
        return (title.group(0) if title else "") + (main.group(0) if main else html)

    def assert_english(self, response, url, status=200, fragment=False):
        self.assertEqual(response.status_code, status, url)
        if not fragment:
            self.assertIn('lang="en"', response.content.decode()[:200], url)
        data = self.data_strings()
        left = []
        for line in visible_lines(self.own_part(response.content.decode())):
            for s in data:
                line = line.replace(s, " ")
            line = DOCUMENT_NUMBER.sub(" ", line)
            if VIETNAMESE.search(line):
                left.append(line)
        self.assertEqual(left, [], f"{url}: Vietnamese left in the English page")

    def check(self, user, *urls, method="get", data=None):
        self.client.force_login(user)
        for url in urls:
            if method == "post":
                r = self.client.post(url, data or {}, follow=True)
            else:
                r = self.client.get(url, follow=True)
            self.assert_english(r, url)

    # --- collection -----------------------------------------------------------------------------

    def test_the_form_page_for_each_role(self):
        url = f"/bieu-mau/{self.sub_a.pk}/"
        for user in (self.alice, self.anna, self.admin, self.leader):
            self.check(user, url)
        r = self.client.get(url)
        self.assertContains(r, "Unit: ")
        self.assertContains(r, "Cross-checks")

    def test_the_rounds_and_the_completeness_board(self):
        self.check(self.admin, "/dot/", f"/dot/{self.round.pk}/", "/dot/moi/")
        self.check(self.alice, "/dot/", f"/dot/{self.round.pk}/")

    def test_history_import_and_return_pages(self):
        self.check(
            self.alice,
            f"/bieu-mau/{self.sub_a.pk}/lich-su/",
            f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/lich-su/",
            f"/bieu-mau/{self.sub_a.pk}/nhap-excel/",
        )
        self.set_status(self.sub_a, "submitted")
        self.check(self.admin, f"/bieu-mau/{self.sub_a.pk}/", f"/bieu-mau/{self.sub_a.pk}/tra-lai/")

    def test_messages_and_errors_after_actions(self):
        # a form error, a refused submission, a returned form with its note, a reminder
        self.check(
            self.admin,
            "/dot/moi/",
            method="post",
            data={
                "framework_id": "test-fw",
                "year": "2024",
                "quarter": "7",
                "title": "x",
                "opens_on": "10/01/2024",
                "due_on": "01/01/2024",
                "locks_on": "01/02/2024",
            },
        )
        Value.objects.filter(submission=self.sub_a, code="has_portal").delete()
        self.check(self.anna, f"/bieu-mau/{self.sub_a.pk}/gui/", method="post")
        self.fill_a()
        self.check(self.anna, f"/bieu-mau/{self.sub_a.pk}/gui/", method="post")
        self.check(
            self.admin,
            f"/bieu-mau/{self.sub_a.pk}/tra-lai/",
            method="post",
            data={"reason": "Thiếu số liệu", "note_total_staff": "Kiểm tra lại"},
        )
        self.check(self.alice, f"/bieu-mau/{self.sub_a.pk}/")
        self.check(self.admin, f"/dot/{self.round.pk}/nhac-nho/", method="post")

    def test_an_excel_file_with_errors(self):
        self.client.force_login(self.alice)
        r = self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/nhap-excel/",
            {"file": SimpleUploadedFile("x.xlsx", b"not an excel file")},
        )
        self.assert_english(r, "nhap-excel (errors)", status=400)

    def test_the_dashboard_on_a_run_from_part_of_the_main_indices(self):
        # only agency A's values are approved: one main index of two, no rank claimed (issue 13)
        from chiso.collection.models import Submission
        from chiso.results import services as results
        from chiso.results.models import Goalpost

        Submission.objects.filter(pk=self.sub_a.pk).update(status="approved")
        for code, hi in (("total_staff", 10), ("it_staff", 10)):
            Goalpost.objects.create(framework_id="test-fw", code=code, lo=0, hi=hi, source="Sở nhập")
        results.run_from_round(self.round, audit.Actor(user=self.admin))
        self.client.force_login(self.admin)
        r = self.client.get("/ket-qua/", {"bo": "test-fw"})
        self.assertContains(r, "not enough to rank (computed on 1/2 components)")
        self.assert_english(r, "/ket-qua/ (part of the main indices)")

    # --- organisations ----------------------------------------------------------------------------

    def test_organisation_pages(self):
        self.check(
            self.admin,
            "/",
            "/co-quan/",
            "/ma-tran/",
            "/ma-tran/test-fw/",
            "/ma-tran/test-fw/staff/",
            "/thong-bao/",
        )
        self.check(self.alice, "/", "/co-quan/", "/ma-tran/test-fw/", "/thong-bao/")
        self.check(self.leader, "/")

    def test_the_login_page_and_its_errors(self):
        self.client.logout()
        self.client.cookies["chiso_language"] = "en"
        self.assert_english(self.client.get("/dang-nhap/"), "/dang-nhap/")
        r = self.client.post("/dang-nhap/", {"username": "alice", "password": "wrong"})
        self.assert_english(r, "/dang-nhap/ (wrong password)", status=400)

    # --- results ------------------------------------------------------------------------------------

    def test_results_pages(self):
        self.check(self.admin, "/ket-qua/", "/ket-qua/bang/", "/ket-qua/nhap/", "/ket-qua/muc-tieu/test-fw/")
        self.check(self.admin, "/ket-qua/muc-tieu/test-fw/hang/", "/ket-qua/muc-tieu/test-fw/moc/")
        self.client.logout()
        self.client.cookies["chiso_language"] = "en"
        self.assert_english(self.client.get("/ket-qua/"), "/ket-qua/ (public)")


class EnglishResultsPagesTestCase(ResultsTestCase):
    """The results pages with a published table and a run computed from it (tests/web/results)."""

    maxDiff = None
    extra_data: tuple[str, ...] = EnglishPagesTestCase.extra_data
    own_part = staticmethod(EnglishPagesTestCase.own_part)
    assert_english = EnglishPagesTestCase.assert_english
    check = EnglishPagesTestCase.check

    def setUp(self):
        super().setUp()
        self.client.cookies["chiso_language"] = "en"

    def data_strings(self) -> list[str]:
        out = set(EnglishPagesTestCase.data_strings(self))
        fw = frameworks.get_framework(DTI)
        out.update(n.label("en") for n in fw.nodes)  # a node without an English name shows its own
        out.update(PublishedValue.objects.values_list("unit_name", flat=True))
        out.update(PublishedTable.objects.values_list("title", flat=True))
        for run in IndexRun.objects.all():  # stored as computed (title, unit, note)
            out.update(s for s in (run.title, run.unit_name, *run.note.splitlines()) if s)
        for headers in PublishedTable.objects.values_list("headers", flat=True):  # as printed in the file
            out.update(c["header"] for c in headers or () if c.get("header"))
        out.update(self.file_data)
        # the program the plan's tasks go to, and the tasks and KPIs it made (stored as written)
        out.update(Program.objects.values_list("title", flat=True))
        out.update(Task.objects.values_list("title", flat=True))
        out.update(Kpi.objects.values_list("name", flat=True))
        return sorted((s for s in out if s), key=len, reverse=True)

    # what an uploaded file holds before it is saved (its headers and names as printed): data
    file_data: tuple[str, ...] = ()

    def preview(self, data: bytes, name: str, **fields):
        body = {"framework_id": DTI, "year": 2022, "published_on": "15/03/2023", "title": "DTI 2022 như Bộ in",
                "source": "https://example.org/dti", "file": SimpleUploadedFile(name, data, content_type=XLSX_TYPE)}
        body.update(fields)
        r = self.client.post(IMPORT, body)
        p = r.context["preview"]
        self.file_data = (
            "DTI 2022 như Bộ in",
            *(c["header"] for c in r.context["columns"] or ()),
            *(u["header"] for u in p.unknown),
            # the closest names to an unknown header, as the header would be spelled in the ministry's file
            *(x["name"] for u in p.unknown for x in u["suggestions"]),
            *(x for row in p.rows for x in (row.name, row.unit_name)),
        )
        return r

    def confirm(self, r):
        d = r.context["data"]
        return self.client.post(CONFIRM, {
            "token": r.context["token"], "file_name": r.context["file_name"], "framework_id": d["framework_id"],
            "year": d["year"], "title": d["title"], "source": d["source"],
            "published_on": d["published_on"].strftime("%d/%m/%Y")}, follow=True)

    def test_dashboard_run_and_table_pages(self):
        self.check(
            self.admin,
            "/ket-qua/",
            f"/ket-qua/lan-tinh/{self.dti_run.pk}/",
            f"/ket-qua/bang/{self.table.pk}/",
            f"/ket-qua/muc-tieu/{DTI}/",
        )
        self.check(self.leader, "/ket-qua/", f"/ket-qua/lan-tinh/{self.dti_run.pk}/")

    # --- issue 13: the ministry's table as published, what-if, the plan and its draft tasks -------------

    def test_the_import_preview_and_the_run_compared_with_the_published_table(self):
        self.client.force_login(self.admin)
        r = self.preview(XLSX.read_bytes(), XLSX.name)
        self.assertContains(r, "How the columns are read")
        self.assert_english(r, "/ket-qua/nhap/ (the ministry's workbook)")
        r = self.confirm(r)
        self.assertContains(r, "Matches the published table")
        self.assert_english(r, "/ket-qua/lan-tinh/… (compared, the same)")
        self.check(self.admin, f"/ket-qua/bang/{PublishedTable.objects.latest('pk').pk}/", "/ket-qua/bang/")
        # a total and a rank edited: the rows that differ, with their column headers
        r = self.confirm(self.preview(_edited({"Hà Nam": {12: 0.6}, "Quảng Ninh": {13: 40}}), "sua.xlsx"))
        self.assertContains(r, "Recomputed</th>")
        self.assert_english(r, "/ket-qua/lan-tinh/… (compared, differs)")

    def test_an_unknown_header_and_a_table_that_cannot_be_computed(self):
        self.client.force_login(self.admin)
        body = "STT,Tỉnh,Nhan thuc,Ghi chú,Xếp hạng\n1,Hà Nam,\"0,5\",x,2\n2,Hà Nội,\"0,7\",,1\n"
        r = self.preview(body.encode(), "t.csv", published_on="")
        self.assertContains(r, "Columns not recognised")
        self.assert_english(r, "/ket-qua/nhap/ (an unknown header)")
        remap = {"token": r.context["token"], "file_name": "t.csv", "framework_id": DTI, "year": 2022,
                 "published_on": "", "title": "DTI 2022 như Bộ in", "source": "https://example.org",
                 "map_header": ["Nhan thuc", "Ghi chú"], "map_code": ["nhan_thuc_so", ""]}
        r = self.client.post(IMPORT, remap)
        self.assert_english(r, "/ket-qua/nhap/ (mapped)")
        r = self.client.post(CONFIRM, {**remap, "token": r.context["token"]}, follow=True)
        self.assertContains(r, "The index was not computed")  # one main index of nine: no run, said why
        self.assert_english(r, "/ket-qua/bang/… (not computed)")

    def test_the_what_if_page_and_its_live_result(self):
        Target.objects.create(framework_id=DTI, rank=3, basis="Thử: hạng 3")
        url = f"/ket-qua/lan-tinh/{self.dti_run.pk}/neu-thi/"
        self.check(self.admin, url)
        page = self.client.get(url).content.decode()
        fields = re.findall(r'<input id="id_(v\d+)"', page)
        htmx = {"HTTP_HX_REQUEST": "true"}
        for data, expect in (
            ({fields[6]: "1"}, "New rank"),  # Hoạt động chính quyền số to 1: the score and rank move
            ({fields[6]: "1", "xu_huong": "5"}, "other provinces improve by"),
            ({fields[0]: "nhiều", "xu_huong": "900"}, "not valid"),  # errors beside their fields
            ({}, "No value changed"),
        ):
            r = self.client.post(url, data, **htmx)
            self.assertContains(r, expect)
            self.assert_english(r, f"{url} (htmx: {expect})", fragment=True)
        r = self.client.post(url, {fields[6]: "1"})  # without JavaScript: the whole page
        self.assert_english(r, f"{url} (posted)")

    def _plan(self):
        for code, agency in (("hoat_dong_chinh_quyen_so", self.a), ("hoat_dong_kinh_te_so", self.b),
                             ("hoat_dong_xa_hoi_so", self.b), ("dti", self.dept)):
            Responsibility.objects.create(framework_id=DTI, code=code, agency=agency, role="lead")
        today = dt.date.today()
        return Program.objects.create(
            code="ct-thu", title="Chương trình thử", decision_number="1/QĐ-UBND", decision_date=today,
            issuer="UBND tỉnh", signer="A", signer_title="Chủ tịch", starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year + 4, 12, 31), framework_id=DTI, standing_body=self.dept)

    def test_the_plan_pages_and_the_draft_tasks(self):
        program = self._plan()
        url = f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/"
        self.check(self.admin, url)
        # refusals: bad numbers by field, an unreachable rank
        r = self.client.post(url, plan_form({"cap_the_che_so": "nhiều", "cost_nhan_luc_so": "-1"}, target_rank="nan"))
        self.assert_english(r, f"{url} (bad numbers)", status=400)
        r = self.client.post(url, plan_form({}, target_rank="1"))
        self.assertContains(r, "cannot be reached", status_code=400)
        self.assert_english(r, f"{url} (out of reach)", status=400)
        caps = {f"cap_{c}": "0,25" for c in ("hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so")}
        r = self.client.post(url, plan_form(caps, peers_rate="2", years="2"), follow=True)
        plan = Plan.objects.get()
        self.assertContains(r, "Create draft tasks")
        self.assert_english(r, f"/ket-qua/ke-hoach/{plan.pk}/")
        # the draft tasks on the program's writing page, then issued and discarded
        r = self.client.post(f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/", follow=True)
        self.assertContains(r, "Draft tasks awaiting issue")
        self.assert_english(r, f"/chuong-trinh/{program.pk}/soan/ (drafts)")
        self.assert_english(self.client.get(f"/ket-qua/ke-hoach/{plan.pk}/"), f"/ket-qua/ke-hoach/{plan.pk}/ (assigned)")
        first, *rest = Task.objects.filter(program=program, is_draft=True).order_by("number")
        # made from an English page, the tasks are still the program's own text, in Vietnamese
        self.assertTrue(first.title.startswith("Nâng chỉ số "), first.title)
        self.assertIn("; các tỉnh khác cải thiện 2,0 %/năm).", first.text)
        self.assertTrue(first.kpis.get().name.startswith("Điểm chỉ số "))
        r = self.client.post(f"/chuong-trinh/{program.pk}/soan/du-thao/ban-hanh/", {"task": [first.pk]}, follow=True)
        self.assertContains(r, "Tasks issued: 1")
        self.assert_english(r, "drafts issued")
        r = self.client.post(f"/chuong-trinh/{program.pk}/soan/du-thao/ban-hanh/", {}, follow=True)
        self.assert_english(r, "nothing chosen")
        r = self.client.post(f"/chuong-trinh/{program.pk}/soan/du-thao/bo/", {"task": [first.pk]}, follow=True)
        self.assert_english(r, "an issued task is not discarded")
        r = self.client.post(f"/chuong-trinh/{program.pk}/soan/du-thao/bo/", {"task": [t.pk for t in rest]},
                             follow=True)
        self.assert_english(r, "drafts discarded")
