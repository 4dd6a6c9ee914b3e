"""Issue 17, item 8: the reader's language everywhere — rule and method names instead of codes, the
framework's name in round lists, a range in words, each language in its own name in the picker,
numbers in the reader's format, one rank format, one demonstration label, one name per agency."""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.utils import translation

import chiso
from chiso.engine.framework import AGG_METHODS, SCORING_RULES
from chiso.engine.points import VALUE_KINDS
from chiso.lib import terms, vn_format

from . import test_assessment_base as _assessment_base
from .base import BaseTestCase
from .results import base as _results_base

TEMPLATES = Path(chiso.__file__).parent / "templates"
CODES = re.compile(r"\b(" + "|".join(SCORING_RULES + AGG_METHODS) + r")\b")


def render(text: str, lang: str = "vi", **ctx) -> str:
    with translation.override(lang):
        return Template(text).render(Context(ctx))


class RuleAndMethodNamesTests(SimpleTestCase):
    def test_every_rule_method_and_value_kind_of_the_engine_has_a_name_in_both_languages(self):
        for table, codes in ((terms.RULES, SCORING_RULES), (terms.METHODS, AGG_METHODS),
                             (terms.VALUE_KINDS, VALUE_KINDS)):
            self.assertEqual(set(table), set(codes))
            for code, (vi, en) in table.items():
                self.assertTrue(vi and en, code)
                self.assertNotEqual(vi, code)

    def test_the_filters_print_the_name_of_the_active_language(self):
        self.assertEqual(render("{{ r|rule_name }}", r="yes_no"), "có/không")
        self.assertEqual(render("{{ r|rule_name }}", "en", r="yes_no"), "yes/no")
        self.assertEqual(render("{{ m|method_name }}", m="geometric"), "trung bình nhân")
        self.assertEqual(render("{{ m|method_name }}", "en", m="geometric"), "geometric mean")
        self.assertEqual(render("{{ k|value_kind_name }}", k="percent"), "tỷ lệ phần trăm")
        shown = render("{% for r in rules %}{{ r|rule_name }} | {% endfor %}", rules=SCORING_RULES)
        self.assertIsNone(CODES.search(shown), shown)

    def test_no_template_prints_a_rule_or_method_code(self):
        raw = re.compile(r"\{\{\s*[\w.]*\.(rule|method|value_kind|scoring\.rule)\s*\}\}")
        for path in TEMPLATES.rglob("*.html"):
            self.assertIsNone(raw.search(path.read_text(encoding="utf-8")), path)


class RankTests(SimpleTestCase):
    def test_a_rank_is_a_whole_number(self):
        self.assertEqual(terms.rank_text(40.0), "40")
        self.assertEqual(terms.rank_text(2), "2")

    def test_a_tie_with_equal_ends_is_one_rank(self):
        self.assertEqual(terms.rank_text(None, 2, 2), "2")

    def test_a_span_and_an_open_end(self):
        self.assertEqual(terms.rank_text(None, 2, 5), "2–5")
        self.assertEqual(terms.rank_text(None, 8, None), "từ 8 trở xuống")
        self.assertEqual(terms.rank_text(None, 8, None, lang="en"), "8 or lower")
        self.assertEqual(terms.rank_text(None, None, None), "")

    def test_the_tag(self):
        self.assertEqual(render("{% rank r %}", r=40.0), "40")
        self.assertEqual(render("{% rank None lo hi %}", lo=2, hi=2), "2")
        self.assertEqual(render("{% rank None lo hi %}", lo=8, hi=None), "từ 8 trở xuống")
        self.assertEqual(render("{% rank None None None %}"), "—")

    def test_no_template_writes_a_rank_span_itself(self):
        for path in TEMPLATES.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            self.assertNotIn('rank_high|default:"?"', text, path)
            self.assertNotIn("rank|floatformat", text, path)


class RangeTests(SimpleTestCase):
    def test_range_in_words(self):
        self.assertEqual(terms.range_text(0, None), "từ 0 trở lên")
        self.assertEqual(terms.range_text(0, 100), "từ 0 đến 100")
        self.assertEqual(terms.range_text(None, 1.5), "tối đa 1,5")
        self.assertEqual(terms.range_text(0, None, lang="en"), "at least 0")
        self.assertEqual(terms.range_text(0, 2.5, lang="en"), "from 0 to 2.5")
        self.assertEqual(terms.range_text(None, None), "")

    def test_an_out_of_range_problem_words_its_range_as_the_form_does(self):
        from chiso.engine.errors import Problem
        from chiso.lib.problems import message

        open_ended = Problem("out_of_range", params={"lo": 0, "hi": None})
        self.assertEqual(message(open_ended, "vi"), "Giá trị nằm ngoài khoảng cho phép. Khoảng: từ 0 trở lên.")
        self.assertEqual(message(open_ended, "en"), "The value is outside the allowed range. Range: at least 0.")
        self.assertNotIn("…", message(Problem("out_of_range", params={"lo": None, "hi": 1.5}), "vi"))


class DemoLabelTests(SimpleTestCase):
    def test_the_label_appears_once(self):
        tag = "{% demo_name t d %}"
        self.assertEqual(render(tag, t="Đợt 2025 (minh họa)", d=True).count("minh họa"), 1)
        self.assertEqual(render(tag, t="Đợt 2025", d=True).count("minh họa"), 1)
        self.assertEqual(render(tag, t="Đợt 2025", d=False), "Đợt 2025")
        self.assertIn('class="demo-tag">demo<', render(tag, "en", t="Round 2025", d=True))
        self.assertEqual(render(tag, t="<b>x</b>", d=False), "&lt;b&gt;x&lt;/b&gt;")


class PagesTests(BaseTestCase):
    def test_the_round_list_shows_the_framework_name_and_one_demo_label(self):
        type(self.round).objects.filter(pk=self.round.pk).update(title="Đợt 2024 (minh họa)", is_demo=True)
        self.login(self.admin)
        r = self.client.get("/dot/")
        text = r.content.decode()
        self.assertIn("Bộ chỉ số thử nghiệm", text)
        self.assertNotIn("test-fw", text)
        self.assertEqual(text.count("minh họa"), text.count("DỮ LIỆU MINH HỌA") + 1)

    def test_the_form_writes_the_range_in_words(self):
        self.login(self.alice)
        r = self.client.get(f"/bieu-mau/{self.sub_a.pk}/")
        self.assertContains(r, "Khoảng: từ 0 trở lên")
        self.assertNotContains(r, "[0; —]")

    def test_the_language_picker_names_each_language_in_its_own_name(self):
        for lang in ("vi", "en"):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
            text = unicodedata.normalize("NFC", self.client.get("/").content.decode())
            self.assertRegex(text, r'<option value="en" lang="en"[^>]*>English</option>')
            self.assertRegex(text, r'<option value="vi" lang="vi"[^>]*>Tiếng Việt</option>')
            self.assertNotIn("Tiếng Anh", text)

    def test_an_english_page_writes_numbers_the_english_way(self):
        self.login(self.bob)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        r = self.client.post(f"/bieu-mau/{self.sub_b.pk}/chi-so/pct_online/", {"value": "327.25", "version": "0"},
                             HTTP_HX_REQUEST="true")
        text = r.content.decode()
        self.assertIn("Value 327.25 is outside the allowed range (from 0 to 100).", text)
        self.assertNotIn("327,25", text)


class OneNamePerAgencyTests(SimpleTestCase):
    def test_every_agency_code_has_one_name_across_the_case_and_the_reference(self):
        root = Path(chiso.__file__).parent
        names: dict[str, set[str]] = {}
        with open(root / "reference" / "agencies.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names.setdefault(row["id"], set()).add(row["name"])
        for case in (root / "cases").glob("*/case.yaml"):
            data = yaml.safe_load(case.read_text(encoding="utf-8"))
            for a in data.get("extra_agencies") or []:
                names.setdefault(a["code"], set()).add(a["name"])
        self.assertTrue(names)
        self.assertEqual({c: n for c, n in names.items() if len(n) > 1}, {})

    def test_the_short_names_of_a_province_name_the_province(self):
        # the case's own bodies were short-named without the province ("Sở Y tế") while the reference's
        # say it ("Sở Y tế Hà Nam"); one file-name stem per agency, each with the province in it
        root = Path(chiso.__file__).parent
        for case in (root / "cases").glob("*/case.yaml"):
            data = yaml.safe_load(case.read_text(encoding="utf-8"))
            province = next(r for r in csv.DictReader(open(root / "reference" / "provinces.csv", encoding="utf-8"))
                            if r["id"] == data.get("province_ref"))["short_name"] if data.get("province_ref") else None
            for a in data.get("extra_agencies") or []:
                if province:
                    self.assertIn(province, a["short_name"], a)


def _visible(page: str) -> str:
    """The text of a page with the tags and the values of attributes stripped (what a reader sees)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", " ", text)))


class OneNamePerAgencyDemoTests(TestCase):
    """The demonstration of ``make run``: every page names an agency by its one name (``Agency.name``),
    never by its short name as well — the user list, the recommendation form's choices, a round's board
    and the home page."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_program_936", "--demo", verbosity=0)
        cls.users = get_user_model().objects
        # expected: the names of the data (the case file and the reference table), not the model's str()
        root = Path(chiso.__file__).parent
        cls.names = {}
        with open(root / "reference" / "agencies.csv", encoding="utf-8") as f:
            cls.names.update({r["id"]: r["name"] for r in csv.DictReader(f)})
        for case in (root / "cases").glob("*/case.yaml"):
            data = yaml.safe_load(case.read_text(encoding="utf-8"))
            cls.names.update({a["code"]: a["name"] for a in data.get("extra_agencies") or []})

    def others(self):
        """(name, other names) of every agency of the demo whose short name differs from its name."""
        from chiso.orgs.models import Agency

        out = []
        for a in Agency.objects.all():
            expected = self.names.get(a.code, a.name)
            self.assertEqual(a.name, expected, a.code)
            if a.short_name and a.short_name != expected and a.short_name not in expected:
                out.append((expected, a.short_name))
        self.assertTrue(out)  # the check below is not vacuous: the demo has short names
        return out

    def assert_one_name(self, page: str, must: list[str]):
        text = _visible(page)
        for name in must:
            self.assertIn(name, text)
        for name, short in self.others():
            self.assertNotIn(short, text, f"{short!r} printed instead of {name!r}")

    def test_the_user_list_names_each_users_agency_by_its_name(self):
        admin = self.users.get(username="sotttt.quantri")
        self.client.force_login(admin)
        r = self.client.get("/to-chuc/nguoi-dung/")
        self.assertEqual(r.status_code, 200)
        from chiso.orgs.models import Membership

        agencies = {self.names[m.agency.code] for m in Membership.objects.select_related("agency")}
        self.assert_one_name(r.content.decode(), sorted(agencies))

    def test_a_demo_user_is_named_with_the_agency_name(self):
        user = self.users.get(username="sonoivu.nhaplieu")
        self.assertEqual(user.get_full_name(), f"Cán bộ nhập liệu {self.names['A35.SNV']} (minh họa)")
        self.assertEqual(user.get_full_name().count("minh họa"), 1)

    def test_the_recommendation_form_offers_the_agency_by_its_name(self):
        user = self.users.get(username="sonoivu.nhaplieu")
        self.client.force_login(user)
        r = self.client.get("/kien-nghi/moi/")
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertRegex(page, r"<option[^>]*>" + re.escape(self.names["A35.SNV"]) + "</option>")
        self.assert_one_name(page, [self.names["A35.SNV"]])

    def test_the_round_board_and_the_home_page_name_agencies_by_their_names(self):
        from chiso.collection.models import Round, Submission

        admin = self.users.get(username="sotttt.quantri")
        self.client.force_login(admin)
        rnd = Round.objects.order_by("-year").first()
        r = self.client.get(f"/dot/{rnd.pk}/")
        self.assertEqual(r.status_code, 200)
        shown = [self.names[s.agency.code] for s in Submission.objects.filter(round=rnd).select_related("agency")]
        self.assertTrue(shown)
        self.assert_one_name(r.content.decode(), shown)
        officer = self.users.get(username="sonoivu.nhaplieu")
        self.client.force_login(officer)
        r = self.client.get("/")
        self.assert_one_name(r.content.decode(), [self.names["A35.SNV"]])


class NumbersTypedInTheReadersLanguageTests(SimpleTestCase):
    """What a page shows in an input box it reads back, the language's way; a decimal mark that cannot
    be the language's is refused, never read as another number."""

    def test_round_trip_in_both_languages(self):
        for x in (327.25, 1234.5, 0.5, 1234567.0, -12.75, 100):
            for lang in ("vi", "en"):
                self.assertEqual(vn_format.parse_number(vn_format.input_number(x, lang=lang), lang), x)
                self.assertEqual(vn_format.parse_number(vn_format.format_number(x, lang=lang), lang), x)
        self.assertEqual(vn_format.input_number(1234.5, lang="en"), "1234.5")
        self.assertEqual(vn_format.input_number(1234.5, lang="vi"), "1234,5")

    def test_each_language_reads_its_own_marks(self):
        en, vi = (lambda t: vn_format.parse_number(t, "en")), (lambda t: vn_format.parse_number(t, "vi"))
        self.assertEqual(en("327.25"), 327.25)
        self.assertEqual(en("1,234.5"), 1234.5)
        self.assertEqual(en("1,234"), 1234)
        self.assertEqual(vi("327,25"), 327.25)
        self.assertEqual(vi("1.234,5"), 1234.5)
        self.assertEqual(vi("1.234"), 1234)  # a dot before groups of three separates thousands
        self.assertEqual(vi("88.9"), 88.9)  # unchanged: a dot before one digit is no thousands mark

    def test_ambiguous_marks_are_refused_with_the_languages_advice(self):
        for text in ("88,9", "1,23", "1.234,5", "12,3,4"):
            with self.assertRaises(vn_format.DecimalMarkError, msg=text) as cm:
                vn_format.parse_number(text, "en")
            self.assertIn("use a dot for decimals", cm.exception.message("en"))
            self.assertIn("dùng dấu chấm cho phần thập phân", cm.exception.message("vi"))
        for text in ("1,234.5", "1.2.3", "1,2,3"):
            with self.assertRaises(vn_format.DecimalMarkError, msg=text) as cm:
                vn_format.parse_number(text, "vi")
            self.assertIn("dùng dấu phẩy cho phần thập phân", cm.exception.message("vi"))

    def test_files_and_the_command_line_keep_the_lenient_reading(self):
        self.assertEqual(vn_format.parse_number("88,9"), 88.9)
        self.assertEqual(vn_format.parse_number("0.71"), 0.71)


class NumbersOnTheFormPageTests(BaseTestCase):
    def save(self, user, sub, code, text, lang):
        self.login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.client.post(f"/bieu-mau/{sub.pk}/chi-so/{code}/", {"value": text}, HTTP_HX_REQUEST="true")

    def stored(self, sub, code):
        from chiso.collection.models import Value

        v = Value.objects.filter(submission=sub, code=code).first()
        return None if v is None else v.number

    def test_the_english_page_stores_what_it_shows(self):
        r = self.save(self.alice, self.sub_a, "total_staff", "327.25", "en")
        self.assertEqual(r["X-Chiso-Status"], "200")
        self.assertEqual(self.stored(self.sub_a, "total_staff"), 327.25)
        page = self.client.get(f"/bieu-mau/{self.sub_a.pk}/").content.decode()
        self.assertIn('name="value" value="327.25"', page)
        self.assertNotIn("327,25", page)
        self.save(self.alice, self.sub_a, "total_staff", "1,234.5", "en")
        self.assertEqual(self.stored(self.sub_a, "total_staff"), 1234.5)

    def test_the_vietnamese_page_stores_what_it_shows(self):
        self.save(self.alice, self.sub_a, "total_staff", "1.234,5", "vi")
        self.assertEqual(self.stored(self.sub_a, "total_staff"), 1234.5)
        page = self.client.get(f"/bieu-mau/{self.sub_a.pk}/").content.decode()
        self.assertIn('name="value" value="1234,5"', page)
        self.save(self.alice, self.sub_a, "total_staff", "88.9", "vi")
        self.assertEqual(self.stored(self.sub_a, "total_staff"), 88.9)

    def test_a_comma_decimal_on_the_english_page_is_refused_and_nothing_saved(self):
        r = self.save(self.alice, self.sub_a, "total_staff", "88,9", "en")
        self.assertEqual(r["X-Chiso-Status"], "400")
        self.assertIn("use a dot for decimals", r.content.decode())
        self.assertIsNone(self.stored(self.sub_a, "total_staff"))

    def test_a_dot_decimal_mixed_with_thousands_on_the_vietnamese_page_is_refused(self):
        r = self.save(self.alice, self.sub_a, "total_staff", "1,234.5", "vi")
        self.assertEqual(r["X-Chiso-Status"], "400")
        self.assertIn("dùng dấu phẩy cho phần thập phân", r.content.decode())
        self.assertIsNone(self.stored(self.sub_a, "total_staff"))


# A framework id as the data write it ("vn-dti-2022-province", "hanam-cds-noibo-2022", the tests'
# "test-noibo") and a hash (12 or more hexadecimal digits in a row): neither is for a reader's eyes.
FRAMEWORK_ID = re.compile(r"\b(vn|hanam|test)-[a-z0-9]+(-[a-z0-9]+)*\b")
HEX_RUN = re.compile(r"\b[0-9a-f]{12,}\b")


class NoIdOnScreenMixin:
    def assert_no_id(self, url: str, lang: str = "vi"):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        text = _visible(r.content.decode())
        self.assertIsNone(FRAMEWORK_ID.search(text), (url, lang, FRAMEWORK_ID.search(text)))
        self.assertIsNone(HEX_RUN.search(text), (url, lang, HEX_RUN.search(text)))
        return text


class NoIdOnTheAssessmentPagesTests(NoIdOnScreenMixin, _assessment_base.AssessmentCase):
    def test_the_round_page_names_the_framework_and_dates_its_snapshot(self):
        self.client.force_login(self.admin)
        for lang in ("vi", "en"):
            text = self.assert_no_id(f"/xep-hang-noi-bo/dot/{self.round.pk}/", lang)
            self.assertIn("Bộ chỉ số thử nghiệm", text)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        text = _visible(self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/").content.decode())
        self.assertIn(f"năm áp dụng 2024, nội dung chốt ngày {self.round.created:%d/%m/%Y}", text)

    def test_the_framework_pages_and_the_round_form_print_no_code_or_hash(self):
        self.client.force_login(self.admin)
        for lang in ("vi", "en"):
            self.assert_no_id("/xep-hang-noi-bo/bo-chi-so/", lang)
            self.assert_no_id(f"/xep-hang-noi-bo/bo-chi-so/{self.fw.pk}/", lang)
            text = self.assert_no_id("/xep-hang-noi-bo/dot/moi/", lang)
            self.assertIn("Bộ chỉ số thử nghiệm", text)


class NoIdOnTheRunPageTests(NoIdOnScreenMixin, _results_base.ResultsTestCase):
    def test_the_run_page_writes_its_recipe_in_words(self):
        self.client.force_login(self.admin)
        for lang, words in (("vi", "Số đơn vị"), ("en", "Units")):
            text = self.assert_no_id(f"/ket-qua/lan-tinh/{self.dti_run.pk}/", lang)
            self.assertIn(words, text)
            self.assertNotIn("'engine_version'", text)
            self.assertNotIn("{'", text)
        units = len(_results_base.PEERS)  # the provinces of the table the base loads
        self.assertEqual(len(self.dti_run.recipe["units"]), units)
        text = self.assert_no_id(f"/ket-qua/lan-tinh/{self.dti_run.pk}/", "vi")
        self.assertRegex(text, rf"Số đơn vị\s+{units}\b")


class NoIdInFrameworkChoicesTests(NoIdOnScreenMixin, BaseTestCase):
    def test_the_framework_drop_downs_offer_names_only(self):
        from chiso.lib.frameworks import framework_choices

        for lang in ("vi", "en"):
            with translation.override(lang):
                labels = [label for _id, label in framework_choices()]
            self.assertTrue(labels)
            for label in labels:
                self.assertIsNone(FRAMEWORK_ID.search(label), label)
            self.assertEqual(len(labels), len(set(labels)), labels)  # two of one name told apart
        self.login(self.admin)
        self.assert_no_id("/dot/moi/")
        self.assert_no_id("/bao-cao/")


class NumbersOnTheAssessmentSheetTests(_assessment_base.AssessmentCase):
    def autosave(self, text, lang):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.client.post(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/chi-so/online/luu/", {"v_online": text},
                                HTTP_HX_REQUEST="true")

    def stored(self):
        from chiso.assessment.models import Entry

        return Entry.objects.get(participant=self.pa, code="online").value

    def test_the_english_sheet_reads_and_shows_a_decimal_point(self):
        self.client.force_login(self.alice)
        r = self.autosave("75.25", "en")
        self.assertEqual(r["X-Chiso-Status"], "200")
        self.assertEqual(self.stored(), 75.25)
        page = self.client.get(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/").content.decode()
        self.assertRegex(page, r'name="v_online"[^>]*value="75\.25"')
        self.assertNotIn('value="75,25"', page)

    def test_a_comma_decimal_on_the_english_sheet_is_refused(self):
        self.client.force_login(self.alice)
        r = self.autosave("75,25", "en")
        self.assertNotEqual(r["X-Chiso-Status"], "200")
        self.assertIn("use a dot for decimals", r.content.decode())
        self.assertIsNone(self.stored())

    def test_the_vietnamese_sheet_keeps_the_decimal_comma(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.autosave("75,25", "vi")["X-Chiso-Status"], "200")
        self.assertEqual(self.stored(), 75.25)
        page = self.client.get(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/").content.decode()
        self.assertRegex(page, r'name="v_online"[^>]*value="75,25"')
