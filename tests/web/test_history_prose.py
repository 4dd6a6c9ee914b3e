"""The change history reads as prose in the reader's language: which indicator, old → new in the
reader's number format with the unit, who (full name and agency), when and why; never an action
code, a raw dictionary or a decimal point in Vietnamese. The council member picker names people the
same way."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chiso.collection import services
from chiso.orgs import audit
from chiso.orgs import services as org_services
from chiso.orgs.history import lines, sentence
from chiso.orgs.models import AuditEntry

from .base import BaseTestCase
from .program.base import ProgramTestCase
from .test_assessment_base import AssessmentCase

REASON = "Thiếu số liệu đối chiếu năm trước"
NEVER = ("value.change", "submission.approve", "submission.return", "submission.submit", "{'", "'number'",
         "88.9", "None")


class HistoryProseTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, first, last in ((cls.alice, "Trần Thị", "Lan"), (cls.admin, "Lê Văn", "Minh")):
            user.first_name, user.last_name = first, last
            user.save()
        alice, anna, admin = (audit.Actor(user=u) for u in (cls.alice, cls.anna, cls.admin))
        pk = cls.sub_a.pk
        services.save_values(pk, [services.Change("total_staff", "88,9")], alice)
        services.save_values(pk, [services.Change("total_staff", "90"), services.Change("it_staff", "2"),
                                  services.Change("has_portal", "1")], alice)
        services.add_evidence(pk, "it_staff", alice, SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 x"))
        services.submit(pk, anna)
        services.return_submission(pk, admin, REASON, {})
        services.submit(pk, anna)
        services.approve(pk, admin)

    def page(self, url, lang="vi"):
        self.client.cookies["chiso_language"] = lang
        self.login(self.alice)
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def assert_no_codes(self, text):
        for bad in NEVER:
            self.assertNotIn(bad, text)

    def test_form_history_reads_as_vietnamese_prose(self):
        text = self.page(f"/bieu-mau/{self.sub_a.pk}/lich-su/")
        self.assertIn("<th>Chỉ số</th>", text)
        # the first save: empty → 88,9; the second: 88,9 → 90 (unit "người" of total_staff)
        self.assertIn("Sửa giá trị: (trống) → 88,9 người", text)
        self.assertIn("Sửa giá trị: 88,9 → 90 người", text)
        self.assertIn("<td>Tổng số cán bộ</td>", text)
        self.assertIn("<td>Có cổng thông tin</td>", text)
        self.assertIn("(trống) → Có", text)  # a yes/no value reads Có, not 1
        self.assertIn("Trần Thị Lan (Sở Nội vụ)", text)
        self.assertIn("Lê Văn Minh (Sở Thông tin và Truyền thông)", text)
        self.assertIn("anna (Sở Nội vụ)", text)  # no name: the user name, still with the agency
        self.assertIn("<td>Cán bộ chuyên trách CNTT</td><td>Thêm tệp minh chứng: “quyet-dinh.pdf”</td>", text)
        self.assertIn("Gửi biểu mẫu", text)
        self.assertIn("Trả lại biểu mẫu", text)
        self.assertIn("Phê duyệt biểu mẫu", text)
        self.assertIn(f"Lý do: {REASON}", text)
        self.assertIn(timezone.localtime().strftime("%d/%m/%Y "), text)
        self.assert_no_codes(text)
        self.assertNotIn("alice", text)

    def test_value_history_shows_the_values_changes_only(self):
        text = self.page(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/lich-su/")
        self.assertIn("88,9 → 90 người", text)
        self.assertNotIn("Phê duyệt biểu mẫu", text)
        self.assertNotIn("Có cổng thông tin", text.split("<table")[1])
        self.assert_no_codes(text)

    def test_english_page_reads_english(self):
        text = self.page(f"/bieu-mau/{self.sub_a.pk}/lich-su/", "en")
        self.assertIn("<th>Indicator</th>", text)
        self.assertIn("Changed the value: 88.9 → 90 người", text)
        self.assertIn("All staff", text)  # the indicator's English name
        self.assertIn("(empty) → Yes", text)
        self.assertIn("Approved the form", text)
        self.assertIn("Returned the form", text)
        self.assertIn(f"Reason: {REASON}", text)
        self.assertIn("Trần Thị Lan (Sở Nội vụ)", text)
        self.assertNotIn("88,9", text)
        self.assertNotIn("Phê duyệt", text)
        for bad in ("value.change", "submission.approve", "{'", "'number'"):
            self.assertNotIn(bad, text)

    def test_an_unknown_action_code_reads_as_a_sentence(self):
        self.assertEqual(sentence("strange.thing"), "Cập nhật dữ liệu")
        self.assertEqual(sentence("kpi.change"), "Sửa chỉ tiêu")
        self.assertEqual(sentence("whatever.create"), "Tạo dữ liệu")
        row = AuditEntry(time=timezone.now(), user_name="system", action="strange.thing",
                         target_type="x.y", target_id="1", before={"number": 1.5}, after={"weird": [1, 2]})
        (line,) = lines([row])
        self.assertEqual(line.who, "Hệ thống")
        self.assertEqual(line.text, "Cập nhật dữ liệu.")

    def test_names_are_read_in_a_bounded_number_of_queries(self):
        rows = list(AuditEntry.objects.all())
        self.assertGreater(len({r.user_id for r in rows}), 2)
        with self.assertNumQueries(2):  # the users, their agencies
            lines(rows)

    def test_other_readers_still_cannot_see_the_history(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/bieu-mau/{self.sub_a.pk}/lich-su/").status_code, 404)


class OrgHistoryTests(BaseTestCase):
    def test_an_agency_history_names_fields_and_people(self):
        self.admin.first_name = "Lê Văn Minh"
        self.admin.save()
        seen = org_services.stamp(org_services.agency_state(self.a))
        org_services.rename_agency(self.a.pk, audit.Actor(user=self.admin), seen=seen, name="Sở Nội vụ mới",
                                   reason="Theo quyết định hợp nhất")
        self.login(self.admin)
        text = self.client.get(f"/to-chuc/co-quan/{self.a.pk}/").content.decode()
        self.assertIn("<td>Đổi tên cơ quan</td>", text)
        self.assertIn("Tên: Sở Nội vụ → Sở Nội vụ mới", text)
        self.assertIn("Lê Văn Minh (Sở Thông tin và Truyền thông)", text)
        self.assertIn("Theo quyết định hợp nhất", text)
        for bad in ("agency.rename", "<code>name</code>", "{'"):
            self.assertNotIn(bad, text)


class ProgressHistoryTests(ProgramTestCase):
    def test_a_progress_report_history_reads_as_prose(self):
        report = self.approved_a(percent=50)
        self.login(self.alice)
        text = self.client.get(f"/tien-do/{report.pk}/").content.decode()
        history = text.split('id="progress-history"')[1].split("</ul>")[0]
        for said in ("Lập báo cáo tiến độ", "Gửi báo cáo tiến độ", "Phê duyệt báo cáo tiến độ",
                     "Sửa báo cáo tiến độ", "Tình trạng: Chưa triển khai → Đang triển khai, đúng tiến độ",
                     "Tỷ lệ hoàn thành (%): 0 → 50", "officer (", "anna ("):
            self.assertIn(said, history)
        for bad in ("progress.", "{'", "on_track"):
            self.assertNotIn(bad, history)


class CouncilPickerTests(AssessmentCase):
    def test_the_member_picker_shows_full_name_and_agency(self):
        self.alice.first_name, self.alice.last_name = "Phạm Thu", "Hà"
        self.alice.save()
        self.client.force_login(self.admin)
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/hoi-dong/")
        self.assertEqual(r.status_code, 200)
        text = r.content.decode()
        self.assertIn(f'<option value="{self.alice.pk}">Phạm Thu Hà (UBND huyện An)</option>', text)
        self.assertIn(f'<option value="{self.officer.pk}">officer (Sở Thông tin và Truyền thông)</option>', text)
        self.assertIn(f'<option value="{self.chair.pk}">chair</option>', text)  # no name, no agency

    def test_the_picker_still_saves_a_member(self):
        self.client.force_login(self.admin)
        r = self.client.post(f"/xep-hang-noi-bo/dot/{self.round.pk}/hoi-dong/", {
            "user": self.alice.pk, "position": "Thành viên", "codes": ""})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(self.round.council.filter(user=self.alice).exists())
