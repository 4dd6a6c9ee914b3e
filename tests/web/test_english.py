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

import re
from html.parser import HTMLParser

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection import services
from chiso.collection.models import Round, ValidationRule, Value
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs.models import Agency, Unit
from chiso.results.models import IndexRun, PublishedTable, PublishedValue, Target

from .base import TEST_FW, BaseTestCase
from .results.base import DTI, ResultsTestCase

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
    extra_data: tuple[str, ...] = ("Thiếu số liệu", "Kiểm tra lại", "“tỉnh”", "“hạng”", "“xếp hạng”")

    @staticmethod
    def own_part(html: str) -> str:
        """The page's title and main content: what these apps render. The header's navigation
        and footer come from base.html, shared with the other apps, whose own tests answer for
        their links."""
        title = re.search(r"<title>.*?</title>", html, flags=re.S)
        main = re.search(r"<main>.*</main>", html, flags=re.S)
        return (title.group(0) if title else "") + (main.group(0) if main else html)

    def assert_english(self, response, url, status=200):
        self.assertEqual(response.status_code, status, url)
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
        return sorted((s for s in out if s), key=len, reverse=True)

    def test_dashboard_run_and_table_pages(self):
        self.check(
            self.admin,
            "/ket-qua/",
            f"/ket-qua/lan-tinh/{self.dti_run.pk}/",
            f"/ket-qua/bang/{self.table.pk}/",
            f"/ket-qua/muc-tieu/{DTI}/",
        )
        self.check(self.leader, "/ket-qua/", f"/ket-qua/lan-tinh/{self.dti_run.pk}/")
