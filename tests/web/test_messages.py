"""The sentences a user of the site's forms meets (issue 17, items 6 and 7): Django's own messages in
good Vietnamese (the site's catalogue overrides Django's), a whole number asked for by name, an empty
file named as empty on every upload, sizes in the reader's number format, line breaks counted as the
browser counts them."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from chiso.api.views import Text
from chiso.lib import imports
from chiso.lib.forms import TextField, UploadField
from chiso.lib.vn_format import format_mb
from chiso.program.forms import ProgressForm, RecommendationForm
from chiso.program.models import Recommendation
from chiso.program.transfer_views import ProgramFileForm
from chiso.results.forms import ImportForm

from .base import BaseTestCase
from .program.base import ProgramTestCase


def errors_of(form, field):
    form.is_valid()
    return [str(e) for e in form.errors.get(field, [])]


class DjangoMessagesInVietnameseTestCase(SimpleTestCase):
    """Django's Vietnamese catalogue says "Nhập một số tổng thể." and "… với 100 ." — the site's wins."""

    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def test_a_whole_number_is_asked_for_as_so_nguyen(self):
        with self.assertRaises(forms.ValidationError) as e:
            forms.IntegerField().clean("45,5")
        self.assertEqual(e.exception.messages, ["Nhập một số nguyên."])

    def test_the_limits_have_no_space_before_the_full_stop(self):
        for field, raw, expected in (
            (forms.IntegerField(max_value=100), "150", "Giá trị phải nhỏ hơn hoặc bằng 100."),
            (forms.IntegerField(min_value=1), "0", "Giá trị phải lớn hơn hoặc bằng 1."),
            (forms.CharField(max_length=5), "abcdefg", "Nội dung dài tối đa 5 ký tự (hiện có 7)."),
            (forms.CharField(), "", "Mục này bắt buộc phải điền."),
            (forms.ChoiceField(choices=[("a", "A")]), "b", "Lựa chọn không hợp lệ: “b” không có trong danh sách."),
        ):
            with self.subTest(expected):
                with self.assertRaises(forms.ValidationError) as e:
                    field.clean(raw)
                self.assertEqual(e.exception.messages, [expected])
                self.assertNotIn(" .", expected)

    def test_no_override_keeps_a_poor_word(self):
        # every Django message the site overrides, as the reader sees it
        for msgid in ("Enter a whole number.", "Enter a valid integer.", "This field is required.",
                      "No file was submitted.", "The submitted file is empty.", "Enter a valid date.",
                      "Enter a valid value.", "Null characters are not allowed."):
            text = translation.gettext(msgid)
            with self.subTest(msgid):
                self.assertNotEqual(text, msgid)  # translated, not English
                for poor in ("tổng thể", " .", "tập tin", "  "):
                    self.assertNotIn(poor, text)

    def test_english_keeps_djangos_english(self):
        with translation.override("en"):
            with self.assertRaises(forms.ValidationError) as e:
                forms.IntegerField().clean("45,5")
            self.assertEqual(e.exception.messages, ["Enter a whole number."])


class PercentTestCase(SimpleTestCase):
    def test_the_percentage_complete_is_named_and_asked_as_a_whole_number(self):
        expected = "Phần trăm hoàn thành phải là một số nguyên từ 0 đến 100 (không có phần thập phân)."
        with translation.override("vi"):
            for raw in ("45,5", "150", "-1"):
                with self.subTest(raw):
                    form = ProgressForm({"task_status": "on_track", "percent": raw})
                    self.assertEqual(errors_of(form, "percent"), [expected])
            self.assertEqual(errors_of(ProgressForm({"task_status": "on_track", "percent": "45"}), "percent"), [])

    def test_in_english(self):
        with translation.override("en"):
            form = ProgressForm({"task_status": "on_track", "percent": "45,5"})
            self.assertEqual(errors_of(form, "percent"),
                             ["The percentage complete must be a whole number from 0 to 100 (no decimals)."])


class EmptyFileFormsTestCase(TestCase):
    """Every upload form: a chosen file of 0 bytes is named as empty, not "no file chosen"."""

    def test_every_upload_form_says_the_file_is_empty(self):
        with translation.override("vi"):
            for form_class, name in ((ProgramFileForm, "ct.yaml"), (ImportForm, "bang.xlsx")):
                with self.subTest(form_class.__name__):
                    form = form_class({}, {"file": SimpleUploadedFile(name, b"")})
                    self.assertEqual(errors_of(form, "file"),
                                     [f"Tệp “{name}” rỗng (0 byte): hãy chọn lại tệp có nội dung."])
            self.assertEqual(errors_of(ProgramFileForm({}, {}), "file"), ["Chưa chọn tệp."])

    def test_in_english(self):
        with translation.override("en"):
            form = ProgramFileForm({}, {"file": SimpleUploadedFile("ct.yaml", b"")})
            self.assertEqual(errors_of(form, "file"),
                             ["The file “ct.yaml” is empty (0 bytes): choose a file that has content."])

    def test_upload_problem(self):
        with translation.override("vi"):
            self.assertEqual(imports.upload_problem(None), "Chưa chọn tệp.")
            self.assertEqual(imports.upload_problem(SimpleUploadedFile("a/b/x.pdf", b"")),
                             "Tệp “x.pdf” rỗng (0 byte): hãy chọn lại tệp có nội dung.")
            self.assertIsNone(imports.upload_problem(SimpleUploadedFile("x.pdf", b"%PDF-")))

    def test_a_form_field_of_the_site_uses_the_one_upload_field(self):
        from chiso.collection.forms import EvidenceForm, UploadForm
        from chiso.program.forms import FileForm, PlanForm

        for form_class in (UploadForm, EvidenceForm, FileForm, PlanForm, ProgramFileForm, ImportForm):
            with self.subTest(form_class.__name__):
                self.assertIsInstance(form_class.base_fields["file"], UploadField)


class SizesTestCase(SimpleTestCase):
    def test_megabytes_in_the_readers_format(self):
        twelve = 12 * 1024 * 1024
        self.assertEqual(format_mb(twelve), "12,0")
        self.assertEqual(format_mb(twelve, lang="en"), "12.0")
        self.assertEqual(format_mb(1_572_864), "1,5")  # 1.5 MiB
        with translation.override("vi"):
            self.assertEqual(imports.too_large_message(13_107_200, twelve), "Tệp quá lớn (12,5 MB); tối đa 12,0 MB.")
        with translation.override("en"):
            self.assertEqual(imports.too_large_message(13_107_200, twelve),
                             "The file is too large (12.5 MB); the limit is 12.0 MB.")


class UploadPagesTestCase(BaseTestCase):
    def test_an_empty_evidence_file_is_named_as_empty(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/minh-chung/",
                             {"file": SimpleUploadedFile("bien-ban.pdf", b"")}, follow=True)
        self.assertContains(r, "Tệp “bien-ban.pdf” rỗng (0 byte): hãy chọn lại tệp có nội dung.")
        self.assertNotContains(r, "Chưa chọn tệp.")

    def test_no_evidence_file_chosen(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/minh-chung/", {}, follow=True)
        self.assertContains(r, "Chưa chọn tệp.")

    def test_an_empty_excel_file_is_named_as_empty(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/", {"file": SimpleUploadedFile("bm.xlsx", b"")})
        self.assertContains(r, "Tệp “bm.xlsx” rỗng (0 byte): hãy chọn lại tệp có nội dung.")

    @override_settings(EVIDENCE_MAX_BYTES=1024 * 1024)
    def test_a_too_large_evidence_file_gives_sizes_with_a_decimal_comma(self):
        self.login(self.alice)
        body = b"%PDF-" + b"0" * (1_258_291 - 5)  # 1.2 MiB
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/minh-chung/",
                             {"file": SimpleUploadedFile("lon.pdf", body)}, follow=True)
        self.assertContains(r, "Tệp quá lớn (1,2 MB); tối đa 1,0 MB.")
        self.assertNotContains(r, "1.2 MB")


class ProgressEvidenceTestCase(ProgramTestCase):
    def test_an_empty_progress_evidence_file_is_named_as_empty(self):
        report = self.open_a()
        self.login(self.alice)
        r = self.client.post(f"/tien-do/{report.pk}/minh-chung/", {"file": SimpleUploadedFile("anh.png", b"")},
                             follow=True)
        self.assertContains(r, "Tệp “anh.png” rỗng (0 byte): hãy chọn lại tệp có nội dung.")

    def test_the_percentage_on_the_progress_page(self):
        report = self.open_a()
        self.login(self.alice)
        r = self.client.post(f"/tien-do/{report.pk}/luu/", {"task_status": "on_track", "percent": "45,5"})
        self.assertContains(r, "Phần trăm hoàn thành phải là một số nguyên từ 0 đến 100", status_code=400)
        self.assertNotContains(r, "tổng thể", status_code=400)


class LineBreaksTestCase(ProgramTestCase):
    """A browser counts a line break as one character against ``maxlength`` and sends it as two."""

    def post(self, body):
        self.login(self.alice)
        return self.client.post("/kien-nghi/moi/", {"kind": "difficulty", "title": "Xuống dòng", "body": body,
                                                    "task": "1", "agency": self.a.pk})

    def test_a_body_at_the_limit_with_line_breaks_is_accepted(self):
        # 10 000 characters in the text area: 3 line breaks and 9 997 letters; sent with CRLF (10 003)
        body = "\r\n".join(["a" * 2500, "b" * 2500, "c" * 2500, "d" * 2497])
        self.assertEqual(len(body), 10_003)
        r = self.post(body)
        rec = Recommendation.objects.get()
        self.assertRedirects(r, f"/kien-nghi/{rec.pk}/")
        self.assertEqual(len(rec.body), 10_000)
        self.assertNotIn("\r", rec.body)

    def test_one_more_character_is_refused_with_the_counts_in_the_readers_format(self):
        body = "\r\n".join(["a" * 2500, "b" * 2500, "c" * 2500, "d" * 2498])  # 10 001 as the browser counts
        r = self.post(body)
        self.assertContains(r, "Nội dung dài tối đa 10.000 ký tự (hiện có 10.001).", status_code=400)
        self.assertFalse(Recommendation.objects.exists())

    def test_the_form_field_and_the_text_area_limit(self):
        form = RecommendationForm()
        self.assertIsInstance(form.fields["body"], TextField)
        self.assertIn('maxlength="10000"', str(form["body"]))


class ApiTextTestCase(SimpleTestCase):
    def test_the_api_counts_a_line_break_as_one_character(self):
        from pydantic import TypeAdapter, ValidationError

        adapter = TypeAdapter(Text)
        text = "a" * 999 + "\r\n" + "b" * 1000  # 2 000 characters with the line break counted once
        self.assertEqual(adapter.validate_python(text), "a" * 999 + "\n" + "b" * 1000)
        with self.assertRaises(ValidationError):
            adapter.validate_python(text + "c")


class EveryTextAreaTestCase(SimpleTestCase):
    def test_every_text_area_of_a_form_is_the_one_text_field(self):
        from chiso.assessment import forms as assessment_forms
        from chiso.collection import forms as collection_forms
        from chiso.program import forms as program_forms

        seen = 0
        for module in (assessment_forms, collection_forms, program_forms):
            for form_class in vars(module).values():
                if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)):
                    continue
                for name, field in form_class.base_fields.items():
                    if isinstance(field.widget, forms.Textarea):
                        seen += 1
                        with self.subTest(f"{form_class.__name__}.{name}"):
                            self.assertIsInstance(field, TextField)
        self.assertGreater(seen, 5)
