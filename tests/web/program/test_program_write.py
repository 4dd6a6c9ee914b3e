"""Programs written in the app (issue 12 item 4): the department admin creates a program, its
objectives, tasks with lead and supporting agencies, KPIs on the framework's indicators and recurring
obligations; every write is validated (refused at the field, nothing written), audited, and refused
with 409 when made from a stale page; nobody else writes."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from django.test import Client

from chiso.lib import frameworks
from chiso.orgs.models import Agency, AuditEntry
from chiso.program.models import Kpi, Objective, Obligation, Program, Task

from . import test_english
from .base import ProgramTestCase
from .test_english import EnglishPagesTestCase

PROGRAM = {
    "title": "Kế hoạch nâng cao Chỉ số DTI tỉnh Thử giai đoạn 2026–2030",
    "decision_number": "12/KH-UBND",
    "decision_date": "15/01/2026",
    "issuer": "Ủy ban nhân dân tỉnh Thử",
    "signer": "Người Ký",
    "signer_title": "Phó Chủ tịch",
    "legal_grounds": "Quyết định số 922/QĐ-BTTTT ngày 20/5/2022",
    "starts_on": "01/01/2026",
    "ends_on": "31/12/2030",
    "framework_id": "test-fw",
    "progress_due_days": "10",
    "is_public": "on",
}


def field_error(page: str, field: str) -> str:
    m = re.search(rf'<p id="row-{field}">.*?</p>', page, re.S)
    assert m, field
    errors = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', m.group(0), re.S)
    return errors.group(1) if errors else ""


class WriteTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.admin)

    def create(self, **data):
        return self.client.post("/chuong-trinh/moi/", {**PROGRAM, "standing_body": self.dept.pk, **data})

    def new_program(self) -> Program:
        r = self.create()
        p = Program.objects.get(decision_number="12/KH-UBND")
        self.assertRedirects(r, f"/chuong-trinh/{p.pk}/soan/", fetch_redirect_response=False)
        return p


class WritingAProgramTestCase(WriteTestCase):
    def test_the_department_admin_writes_a_program_end_to_end(self):
        self.assertIn('id="new-program"', self.client.get("/chuong-trinh/").content.decode())
        p = self.new_program()
        self.assertEqual(
            (p.title, p.starts_on, p.ends_on, p.framework_id, p.standing_body, p.decision_date, p.is_public),
            (
                PROGRAM["title"],
                dt.date(2026, 1, 1),
                dt.date(2030, 12, 31),
                "test-fw",
                self.dept,
                dt.date(2026, 1, 15),
                True,
            ),
        )
        self.assertTrue(p.code.startswith("ke-hoach-nang-cao-chi-so-dti"))
        self.assertEqual(AuditEntry.objects.get(action="program.create").user, self.admin)
        base = f"/chuong-trinh/{p.pk}/soan"
        # a specific objective: rank ≤ 10 by 2030
        r = self.client.post(
            f"{base}/muc-tieu/moi/",
            {
                "kind": "specific",
                "text": "Vào nhóm 10 tỉnh dẫn đầu DTI",
                "target_rank": "10",
                "target_year": "2030",
            },
        )
        self.assertEqual(r.status_code, 302)
        o = p.objectives.get()
        self.assertEqual(
            (o.kind, o.target_rank, o.target_year, o.framework_id), ("specific", 10, 2030, "test-fw")
        )
        # a task led by A, supported by B, due 30/06/2027
        r = self.client.post(
            f"{base}/nhiem-vu/moi/",
            {
                "title": "Số hóa hồ sơ cán bộ",
                "text": "Số hóa toàn bộ hồ sơ cán bộ, công chức",
                "objective": o.pk,
                "lead_agency": self.a.pk,
                "supporting_agencies": [self.b.pk],
                "deadline": "30/06/2027",
                "recurrence": "none",
                "components": ["staff"],
            },
        )
        self.assertEqual(r.status_code, 302)
        t = p.tasks.get()
        self.assertEqual(
            (t.number, t.lead_agency, t.deadline, t.components), (1, self.a, dt.date(2027, 6, 30), ["staff"])
        )
        self.assertEqual(list(t.supporting_agencies.all()), [self.b])
        # a KPI on the framework's indicator total_staff, from Sở Nội vụ's approved values
        r = self.client.post(
            f"{base}/nhiem-vu/{t.pk}/chi-tieu/moi/",
            {
                "name": "Tổng số cán bộ",
                "source": "indicator",
                "indicator_code": "total_staff",
                "source_agency": self.a.pk,
                "unit": "người",
                "baseline": "4",
                "target": "12,5",
                "direction": "1",
                "due_on": "31/12/2028",
            },
        )
        self.assertEqual(r.status_code, 302)
        k = t.kpis.get()
        self.assertEqual(
            (k.framework_id, k.indicator_code, k.target, k.baseline, k.source_agency, k.order),
            ("test-fw", "total_staff", 12.5, 4.0, self.a, 1),
        )
        # the page prints names, never the framework's or the indicator's code
        page = self.client.get(f"/chuong-trinh/{p.pk}/soan/").content.decode()
        self.assertIn("Bộ chỉ số thử nghiệm", page)
        self.assertIn("(chỉ số: Tổng số cán bộ)", page)
        self.assertNotIn("test-fw", page)
        self.assertNotIn("total_staff", page)
        # a recurring obligation: the quarterly report, 15 days after each quarter
        r = self.client.post(
            f"{base}/dinh-ky/moi/",
            {
                "title": "Báo cáo quý",
                "agency": self.dept.pk,
                "recurrence": "quarterly",
                "due_offset_days": "15",
            },
        )
        self.assertEqual(r.status_code, 302)
        ob = p.obligations.get()
        self.assertEqual(ob.occurrences.count(), 20)  # 2026-Q1 … 2030-Q4
        self.assertEqual(ob.occurrences.order_by("due_on").first().due_on, dt.date(2026, 4, 15))
        self.assertEqual(
            sorted(
                AuditEntry.objects.filter(parent_id=str(p.pk), parent_type="program.program").values_list(
                    "action", flat=True
                )
            ),
            ["kpi.create", "objective.create", "obligation.create", "program.create", "task.create"],
        )
        # the board shows it, judged today; the writing page lists it
        board = self.client.get(f"/chuong-trinh/{p.pk}/?ngay=01/06/2026").content.decode()
        row = re.search(r'<tr id="task-1">.*?</tr>', board, re.S).group(0)
        self.assertIn("Số hóa hồ sơ cán bộ", row)
        self.assertIn("Sở Nội vụ", row)
        self.assertIn("30/06/2027", row)
        self.assertIn("/ 12,5 người", row)
        self.assertIn("thứ hạng ≤ 10 năm 2030", board)
        write = self.client.get(f"{base}/").content.decode()
        self.assertIn("Số hóa hồ sơ cán bộ", write)
        self.assertIn("(chỉ số: Tổng số cán bộ)", write)  # the indicator by its name, not its code

    def test_agencies_offered_are_those_in_force_during_the_program(self):
        p = self.new_program()
        gone = Agency.objects.create(
            code="OLD",
            name="Sở Bưu chính cũ",
            kind="department",
            unit=self.province,
            valid_to=dt.date(2025, 3, 1),
        )
        later = Agency.objects.create(
            code="NEW",
            name="Sở Tương lai",
            kind="department",
            unit=self.province,
            valid_from=dt.date(2031, 1, 1),
        )
        Agency.objects.create(
            code="MID",
            name="Sở Sáp nhập",
            kind="department",
            unit=self.province,
            valid_to=dt.date(2027, 3, 1),
        )
        page = self.client.get(f"/chuong-trinh/{p.pk}/soan/nhiem-vu/moi/").content.decode()
        lead = re.search(r'<select name="lead_agency".*?</select>', page, re.S).group(0)
        self.assertIn("Sở Nội vụ", lead)
        self.assertIn("Sở Sáp nhập", lead)  # in force for part of the program
        self.assertNotIn("Sở Bưu chính cũ", lead)
        self.assertNotIn("Sở Tương lai", lead)
        for agency in (gone, later):
            r = self.client.post(
                f"/chuong-trinh/{p.pk}/soan/nhiem-vu/moi/",
                {"title": "X", "lead_agency": agency.pk, "recurrence": "none"},
            )
            self.assertEqual(r.status_code, 400)
            self.assertNotEqual(field_error(r.content.decode(), "lead_agency"), "")
        self.assertFalse(p.tasks.exists())

    def test_bad_input_is_refused_at_the_field_and_nothing_is_written(self):
        for data, field, message in [
            ({"ends_on": "31/12/2025"}, "ends_on", "Ngày kết thúc phải sau ngày bắt đầu."),
            ({"ends_on": "31/12/2060"}, "ends_on", "Một chương trình không dài quá 15 năm."),
            ({"decision_date": "31/02/2026"}, "decision_date", "Ngày không hợp lệ"),
            ({"framework_id": "khong-co"}, "framework_id", ""),
            ({"title": "  "}, "title", ""),
        ]:
            r = self.create(**data)
            self.assertEqual(r.status_code, 400, data)
            self.assertIn(message, field_error(r.content.decode(), field), data)
            self.assertNotEqual(field_error(r.content.decode(), field), "", data)
        self.assertFalse(Program.objects.filter(decision_number="12/KH-UBND").exists())
        p = self.new_program()
        base = f"/chuong-trinh/{p.pk}/soan"
        r = self.client.post(
            f"{base}/muc-tieu/moi/",
            {"kind": "specific", "text": "Top", "target_rank": "0", "target_year": "2040"},
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("Thứ hạng phải từ 1 đến 100.", field_error(r.content.decode(), "target_rank"))
        self.assertIn(
            "Năm đạt mục tiêu phải từ 2026 đến 2035.", field_error(r.content.decode(), "target_year")
        )
        r = self.client.post(
            f"{base}/nhiem-vu/moi/",
            {"title": "T", "lead_agency": self.a.pk, "deadline": "31/12/2031", "recurrence": "none"},
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn(
            "Thời hạn phải trong thời gian của chương trình (01/01/2026 – 31/12/2030).",
            field_error(r.content.decode(), "deadline"),
        )
        self.assertFalse(p.objectives.exists() or p.tasks.exists())
        self.client.post(
            f"{base}/nhiem-vu/moi/", {"title": "T", "lead_agency": self.a.pk, "recurrence": "none"}
        )
        t = p.tasks.get()
        for data, field, message in [
            ({"indicator_code": "khong_co"}, "indicator_code", ""),
            ({"indicator_code": ""}, "indicator_code", "Phải chọn chỉ số của bộ chỉ số."),
            ({"unit": "%", "target": "150"}, "target", "Đơn vị là %: giá trị phải từ 0 đến 100."),
            ({"target": "mười"}, "target", "không phải là số"),
            ({"due_on": "01/01/2025"}, "due_on", "Hạn đạt phải trong thời gian của chương trình"),
        ]:
            r = self.client.post(
                f"{base}/nhiem-vu/{t.pk}/chi-tieu/moi/",
                {
                    "name": "K",
                    "source": "indicator",
                    "indicator_code": "total_staff",
                    "direction": "1",
                    **data,
                },
            )
            self.assertEqual(r.status_code, 400, data)
            self.assertIn(message, field_error(r.content.decode(), field), data)
            self.assertNotEqual(field_error(r.content.decode(), field), "", data)
        self.assertFalse(Kpi.objects.filter(task=t).exists())
        r = self.client.post(
            f"{base}/dinh-ky/moi/", {"title": "X", "agency": self.dept.pk, "recurrence": "none"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Obligation.objects.filter(program=p).exists())

    def test_a_change_needs_a_reason_is_audited_and_a_stale_page_is_refused(self):
        p = self.new_program()
        base = f"/chuong-trinh/{p.pk}/soan"
        self.client.post(
            f"{base}/nhiem-vu/moi/", {"title": "T", "lead_agency": self.a.pk, "recurrence": "none"}
        )
        t = p.tasks.get()
        page = self.client.get(f"{base}/nhiem-vu/{t.pk}/").content.decode()
        version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
        self.assertEqual(version, t.version)
        data = {
            "title": "T",
            "lead_agency": self.b.pk,
            "supporting_agencies": [self.a.pk],
            "recurrence": "none",
            "version": version,
        }
        r = self.client.post(f"{base}/nhiem-vu/{t.pk}/", data)
        self.assertEqual(r.status_code, 400)
        self.assertIn("Phải ghi lý do thay đổi.", field_error(r.content.decode(), "reason"))
        t.refresh_from_db()
        self.assertEqual(t.lead_agency, self.a)
        r = self.client.post(
            f"{base}/nhiem-vu/{t.pk}/", {**data, "reason": "Sở Tư pháp chủ trì theo phân công mới"}
        )
        self.assertEqual(r.status_code, 302)
        t.refresh_from_db()
        self.assertEqual((t.lead_agency, list(t.supporting_agencies.all())), (self.b, [self.a]))
        e = AuditEntry.objects.get(action="task.change")
        self.assertEqual(e.before, {"lead_agency": "Sở Nội vụ", "supporting_agencies": []})
        self.assertEqual(e.after, {"lead_agency": "Sở Tư pháp", "supporting_agencies": ["Sở Nội vụ"]})
        self.assertEqual(e.reason, "Sở Tư pháp chủ trì theo phân công mới")
        # the first page's version is stale now: 409, nothing overwritten, the current values shown
        r = self.client.post(f"{base}/nhiem-vu/{t.pk}/", {**data, "lead_agency": self.a.pk, "reason": "cũ"})
        self.assertEqual(r.status_code, 409)
        self.assertIn("vừa được người khác sửa", r.content.decode())
        self.assertIn(f'<option value="{self.b.pk}" selected>', r.content.decode())
        t.refresh_from_db()
        self.assertEqual(t.lead_agency, self.b)
        self.assertEqual(AuditEntry.objects.filter(action="task.change").count(), 1)
        history = self.client.get(f"{base}/nhiem-vu/{t.pk}/").content.decode()
        self.assertIn("Sở Nội vụ → Sở Tư pháp", history)

    def test_new_dates_must_keep_the_deadlines_inside(self):
        p = self.new_program()
        self.client.post(
            f"/chuong-trinh/{p.pk}/soan/nhiem-vu/moi/",
            {"title": "T", "lead_agency": self.a.pk, "deadline": "30/06/2030", "recurrence": "none"},
        )
        page = self.client.get(f"/chuong-trinh/{p.pk}/soan/chuong-trinh/").content.decode()
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        r = self.client.post(
            f"/chuong-trinh/{p.pk}/soan/chuong-trinh/",
            {
                **PROGRAM,
                "standing_body": self.dept.pk,
                "ends_on": "31/12/2029",
                "version": version,
                "reason": "rút ngắn",
            },
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("1. T", field_error(r.content.decode(), "ends_on"))
        p.refresh_from_db()
        self.assertEqual(p.ends_on, dt.date(2030, 12, 31))
        # another framework while a KPI measures this one: refused
        t = p.tasks.get()
        self.client.post(
            f"/chuong-trinh/{p.pk}/soan/nhiem-vu/{t.pk}/chi-tieu/moi/",
            {"name": "K", "source": "indicator", "indicator_code": "total_staff", "direction": "1"},
        )
        r = self.client.post(
            f"/chuong-trinh/{p.pk}/soan/chuong-trinh/",
            {
                **PROGRAM,
                "standing_body": self.dept.pk,
                "framework_id": "vn-dti-2024-province",
                "version": version,
                "reason": "x",
            },
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("không đổi được bộ chỉ số", field_error(r.content.decode(), "framework_id"))

    def test_a_program_being_written_is_public_only_once_ticked(self):
        page = self.client.get("/chuong-trinh/moi/").content.decode()
        self.assertNotIn('name="is_public" id="id_is_public" checked', page)
        r = self.create(is_public="")
        p = Program.objects.get(decision_number="12/KH-UBND")
        self.assertEqual(r.status_code, 302)
        self.assertFalse(p.is_public)
        self.assertNotIn(PROGRAM["title"], Client().get("/cong-khai/").content.decode())
        r = self.client.post(
            f"/chuong-trinh/{p.pk}/soan/chuong-trinh/",
            {**PROGRAM, "standing_body": self.dept.pk, "version": p.version, "reason": "Đã ký ban hành"},
        )
        self.assertEqual(r.status_code, 302)
        self.assertIn(PROGRAM["title"], Client().get("/cong-khai/").content.decode())
        e = AuditEntry.objects.get(action="program.change")
        self.assertEqual(
            (e.before, e.after, e.reason), ({"is_public": False}, {"is_public": True}, "Đã ký ban hành")
        )

    def test_a_kpi_of_another_program_is_not_found(self):
        p = self.new_program()
        r = self.client.get(f"/chuong-trinh/{p.pk}/soan/chi-tieu/{self.kpi_ind.pk}/")
        self.assertEqual(r.status_code, 404)
        r = self.client.get(f"/chuong-trinh/{p.pk}/soan/nhiem-vu/{self.task1.pk}/chi-tieu/moi/")
        self.assertEqual(r.status_code, 404)


class OnlyTheDepartmentAdminWritesTestCase(WriteTestCase):
    def urls(self, p):
        o, t, k, ob = self.objective, self.task1, self.kpi_ind, self.obligation
        base = f"/chuong-trinh/{p.pk}/soan"
        return [
            "/chuong-trinh/moi/",
            f"{base}/",
            f"{base}/chuong-trinh/",
            f"{base}/muc-tieu/moi/",
            f"{base}/muc-tieu/{o.pk}/",
            f"{base}/nhiem-vu/moi/",
            f"{base}/nhiem-vu/{t.pk}/",
            f"{base}/nhiem-vu/{t.pk}/chi-tieu/moi/",
            f"{base}/chi-tieu/{k.pk}/",
            f"{base}/dinh-ky/moi/",
            f"{base}/dinh-ky/{ob.pk}/",
        ]

    def test_every_other_user_is_refused(self):
        def counts():
            return [m.objects.count() for m in (Program, Objective, Task, Kpi, Obligation)]

        before = counts()
        for user in (self.officer, self.alice, self.anna, self.bob, self.bella, self.leader, self.nobody):
            self.login(user)
            for url in self.urls(self.program):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
                r = self.client.post(
                    url,
                    {
                        **PROGRAM,
                        "standing_body": self.dept.pk,
                        "kind": "general",
                        "text": "x",
                        "title": "x",
                        "lead_agency": self.a.pk,
                        "recurrence": "quarterly",
                        "agency": self.a.pk,
                        "name": "x",
                        "source": "reported",
                        "direction": "1",
                    },
                )
                self.assertEqual(r.status_code, 403, (user, url))
            page = self.client.get(f"/chuong-trinh/{self.program.pk}/").content.decode()
            self.assertNotIn('id="write-link"', page)
        anonymous = Client()
        for url in self.urls(self.program):
            self.assertEqual(anonymous.get(url).status_code, 302)
            self.assertEqual(anonymous.post(url, {"title": "x"}).status_code, 302)
        self.assertEqual(counts(), before)
        self.login(self.admin)
        for url in self.urls(self.program):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertIn(
            'id="write-link"', self.client.get(f"/chuong-trinh/{self.program.pk}/").content.decode()
        )


class WritingPagesInEnglishTestCase(EnglishPagesTestCase):
    # the cast and helpers of test_english.py, not its tests (they run there)
    test_the_department_pages_in_english = None
    test_an_agency_and_an_anonymous_visitor_in_english = None
    test_the_same_pages_stay_vietnamese_by_default = None

    def test_the_writing_pages_in_english(self):
        # the frameworks offered are data (their names, with the decisions' symbols, as in their files)
        names = [
            fw.label(lang)
            for fw_id in frameworks.shipped_ids()
            for lang in ("vi", "en")
            for fw in [frameworks.get_framework(fw_id)]
        ]
        plain = test_english.data_strings
        patcher = mock.patch.object(
            test_english, "data_strings", lambda: sorted({*plain(), *names}, key=len, reverse=True)
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        self.switch_to_english(self.admin)
        p, t = self.program.pk, self.task1.pk
        for url, expect in [
            ("/chuong-trinh/moi/", "Write a new program or plan"),
            (f"/chuong-trinh/{p}/soan/", "Add a task"),
            (f"/chuong-trinh/{p}/soan/chuong-trinh/", "Index targeted"),
            (f"/chuong-trinh/{p}/soan/muc-tieu/moi/", "Add an objective"),
            (f"/chuong-trinh/{p}/soan/nhiem-vu/{t}/", "Edit task"),
            (f"/chuong-trinh/{p}/soan/nhiem-vu/{t}/chi-tieu/moi/", "Indicator of the index"),
            (f"/chuong-trinh/{p}/soan/dinh-ky/{self.obligation.pk}/", "Edit recurring obligation"),
            (f"/chuong-trinh/{p}/", "The program ended on 31/12/2020"),
        ]:
            self.assert_english(url, expect)
