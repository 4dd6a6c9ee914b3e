"""The department manages its organisation in the app (/to-chuc/…): agencies, users and roles, units'
validity, round dates. Each change is audited with before/after; refusals are Vietnamese sentences
on the page and write nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from chiso.assessment.models import Round as InternalRound
from chiso.collection.models import Submission
from chiso.collection.round_dates import round_state
from chiso.orgs import services
from chiso.orgs.models import Agency, AuditEntry, Membership, Unit

from . import test_english as english
from .base import PASSWORD, BaseTestCase
from .test_assessment_base import AssessmentCase

NEW_PASSWORD = "mat-khau-moi-2026-dai"


def seen_agency(agency: Agency) -> str:
    agency.refresh_from_db()
    return services.stamp(services.agency_state(agency))


def seen_user(user) -> str:
    user.refresh_from_db()
    return services.stamp(services.user_state(user))


class OrgTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.admin)

    def audits(self, action):
        return list(AuditEntry.objects.filter(action=action).order_by("id"))

    def assertRefused(self, response, text, status=400):
        self.assertEqual(response.status_code, status)
        self.assertContains(response, text, status_code=status)


class AgencyListTestCase(OrgTestCase):
    def test_it_lists_in_force_and_ended_separately(self):
        Agency.objects.filter(pk=self.b.pk).update(valid_to=dt.date(2020, 1, 1))
        r = self.client.get("/to-chuc/co-quan/")
        html = r.content.decode()
        ended_part = html[html.index("Đã hết hiệu lực"):]
        self.assertIn("Sở Nội vụ", html[:html.index("Đã hết hiệu lực")])
        self.assertIn("Sở Tư pháp", ended_part)
        self.assertNotIn("Sở Tư pháp", html[:html.index("Đã hết hiệu lực")])

    def test_it_reads_another_day(self):
        Agency.objects.filter(pk=self.b.pk).update(valid_to=dt.date(2020, 1, 1))
        html = self.client.get("/to-chuc/co-quan/?ngay=01/06/2019").content.decode()
        self.assertIn("Sở Tư pháp", html[:html.index("Đã hết hiệu lực")])

    def test_it_shows_the_create_button_only_to_the_admin(self):
        self.assertContains(self.client.get("/to-chuc/co-quan/"), "/to-chuc/co-quan/moi/")
        self.login(self.officer)
        self.assertNotContains(self.client.get("/to-chuc/co-quan/"), "/to-chuc/co-quan/moi/")


class AgencyCreateTestCase(OrgTestCase):
    def test_it_creates_with_a_code_and_audit(self):
        r = self.client.post("/to-chuc/co-quan/moi/", {
            "name": "Sở Khoa học và Công nghệ", "short_name": "Sở KH&CN", "kind": "department",
            "unit": self.province.pk, "valid_from": "01/03/2025", "reason": "QĐ hợp nhất",
        })
        agency = Agency.objects.get(name="Sở Khoa học và Công nghệ")
        self.assertRedirects(r, f"/to-chuc/co-quan/{agency.pk}/")
        self.assertEqual(agency.code, "SO-KH-CN")
        self.assertEqual(agency.valid_from, dt.date(2025, 3, 1))
        (row,) = self.audits("agency.create")
        self.assertEqual(row.after["name"], "Sở Khoa học và Công nghệ")
        self.assertEqual(row.user, self.admin)

    def test_it_refuses_a_taken_code(self):
        r = self.client.post("/to-chuc/co-quan/moi/", {
            "name": "Trùng mã", "code": "a", "kind": "department", "unit": self.province.pk})
        self.assertRefused(r, "Mã cơ quan A đã có.")
        self.assertFalse(Agency.objects.filter(name="Trùng mã").exists())


class AgencyRenameTestCase(OrgTestCase):
    def test_it_renames_the_same_row_and_keeps_the_old_name_in_the_audit(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.a.pk}/doi-ten/", {
            "seen": seen_agency(self.a), "name": "Sở Nội vụ tỉnh Thử", "short_name": "SNV", "reason": "Đổi tên"})
        self.assertRedirects(r, f"/to-chuc/co-quan/{self.a.pk}/")
        self.a.refresh_from_db()
        self.assertEqual((self.a.name, self.a.short_name), ("Sở Nội vụ tỉnh Thử", "SNV"))
        self.assertEqual(Submission.objects.get(pk=self.sub_a.pk).agency_id, self.a.pk)
        (row,) = self.audits("agency.rename")
        self.assertEqual(row.before["name"], "Sở Nội vụ")
        self.assertEqual(row.after["name"], "Sở Nội vụ tỉnh Thử")
        self.assertContains(self.client.get(f"/to-chuc/co-quan/{self.a.pk}/"), "Sở Nội vụ tỉnh Thử")

    def test_it_refuses_a_copy_changed_by_another_admin(self):
        old = seen_agency(self.a)
        services.rename_agency(self.a.pk, services.audit.Actor(user=self.officer), seen=old, name="Tên của người kia")
        r = self.client.post(f"/to-chuc/co-quan/{self.a.pk}/doi-ten/", {"seen": old, "name": "Tên của tôi"})
        self.assertRefused(r, "officer (Sở Thông tin và Truyền thông) đã sửa mục này lúc", status=409)
        self.a.refresh_from_db()
        self.assertEqual(self.a.name, "Tên của người kia")
        self.assertEqual(len(self.audits("agency.rename")), 1)


class AgencyEndTestCase(OrgTestCase):
    def test_it_ends_with_an_existing_successor_and_keeps_users_and_data(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.b.pk}/ket-thuc/", {
            "seen": seen_agency(self.b), "ends_on": "01/07/2025", "successor": self.a.pk,
            "reason": "Sáp nhập theo QĐ 1/2025"})
        self.assertRedirects(r, f"/to-chuc/co-quan/{self.b.pk}/")
        self.b.refresh_from_db()
        self.assertEqual((self.b.valid_to, self.b.successor_id), (dt.date(2025, 7, 1), self.a.pk))
        self.assertTrue(Membership.objects.filter(user=self.bob, agency=self.b).exists())
        self.assertTrue(Submission.objects.filter(pk=self.sub_b.pk).exists())
        (row,) = self.audits("agency.end")
        self.assertEqual((row.before["valid_to"], row.after["valid_to"]), (None, "2025-07-01"))
        self.assertEqual(row.reason, "Sáp nhập theo QĐ 1/2025")

    def test_it_ends_with_a_new_successor(self):
        self.client.post(f"/to-chuc/co-quan/{self.b.pk}/ket-thuc/", {
            "seen": seen_agency(self.b), "ends_on": "01/07/2025", "new_successor_name": "Sở Tư pháp mới",
            "reason": "Hợp nhất"})
        self.b.refresh_from_db()
        new = Agency.objects.get(name="Sở Tư pháp mới")
        self.assertEqual((self.b.successor, new.valid_from, new.kind), (new, dt.date(2025, 7, 1), "department"))
        self.assertEqual(len(self.audits("agency.create")), 1)

    def test_it_refuses_an_end_before_the_start(self):
        Agency.objects.filter(pk=self.b.pk).update(valid_from=dt.date(2020, 1, 1))
        r = self.client.post(f"/to-chuc/co-quan/{self.b.pk}/ket-thuc/", {
            "seen": seen_agency(self.b), "ends_on": "01/01/2020", "reason": "x"})
        self.assertRefused(r, "Ngày kết thúc phải sau ngày bắt đầu hiệu lực (01/01/2020).")
        self.b.refresh_from_db()
        self.assertIsNone(self.b.valid_to)
        self.assertEqual(self.audits("agency.end"), [])

    def test_it_refuses_to_end_the_standing_body_without_handing_over(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.dept.pk}/ket-thuc/", {
            "seen": seen_agency(self.dept), "ends_on": "01/03/2025", "reason": "Sáp nhập"})
        self.assertRefused(r, "là cơ quan thường trực: chỉ kết thúc được khi chuyển vai trò")
        self.dept.refresh_from_db()
        self.assertIsNone(self.dept.valid_to)

    def test_it_hands_the_standing_role_to_a_new_successor(self):
        self.client.post(f"/to-chuc/co-quan/{self.dept.pk}/ket-thuc/", {
            "seen": seen_agency(self.dept), "ends_on": "01/03/2025", "new_successor_name": "Sở KH&CN",
            "transfer_standing": "on", "reason": "Hợp nhất Sở TT&TT vào Sở KH&CN"})
        new = Agency.objects.get(name="Sở KH&CN")
        self.assertTrue(new.is_standing_body)
        self.dept.refresh_from_db()
        self.assertTrue(self.dept.is_standing_body)  # still the standing body of its own period
        for day, expected in ((dt.date(2025, 2, 28), self.dept), (dt.date(2025, 3, 1), new)):
            self.assertEqual(list(Agency.objects.filter(is_standing_body=True).valid_on(day)), [expected])

    def test_it_refuses_a_standing_successor_overlapping_the_old_one(self):
        # Sở Nội vụ has been in force all along: two standing bodies before the end date
        r = self.client.post(f"/to-chuc/co-quan/{self.dept.pk}/ket-thuc/", {
            "seen": seen_agency(self.dept), "ends_on": "01/03/2025", "successor": self.a.pk,
            "transfer_standing": "on", "reason": "x"})
        self.assertRefused(r, "Mỗi tỉnh chỉ có một cơ quan thường trực")
        self.dept.refresh_from_db()
        self.assertIsNone(self.dept.valid_to)


class StandingBodyTestCase(OrgTestCase):
    def test_it_refuses_a_second_standing_body(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.a.pk}/thuong-truc/", {
            "seen": seen_agency(self.a), "reason": "QĐ giao nhiệm vụ"})
        self.assertRefused(r, "Mỗi tỉnh chỉ có một cơ quan thường trực tại một thời điểm; trong cùng thời gian đã có: "
                              "Sở Thông tin và Truyền thông")
        self.a.refresh_from_db()
        self.assertFalse(self.a.is_standing_body)

    def test_it_replaces_the_standing_body_when_asked(self):
        self.client.post(f"/to-chuc/co-quan/{self.a.pk}/thuong-truc/", {
            "seen": seen_agency(self.a), "replace": "on", "reason": "QĐ giao nhiệm vụ"})
        self.assertEqual(list(Agency.objects.filter(is_standing_body=True)), [self.a])
        rows = self.audits("agency.standing_body")
        self.assertEqual([(r.target_id, r.before["is_standing_body"], r.after["is_standing_body"]) for r in rows],
                         [(str(self.dept.pk), True, False), (str(self.a.pk), False, True)])

    def test_another_provinces_standing_body_is_no_conflict(self):
        # one deployment holds a merged province's predecessors, each with its own standing body
        other = Unit.objects.create(ref_id="P98", code="98", name="Tỉnh Bên", kind="province")
        agency = Agency.objects.create(code="SB", name="Sở TT&TT tỉnh Bên", kind="department", unit=other)
        services.set_standing_body(agency.pk, services.audit.Actor(user=self.admin), seen=seen_agency(agency),
                                   reason="QĐ")
        self.assertEqual(set(Agency.objects.filter(is_standing_body=True)), {self.dept, agency})

    def test_it_requires_a_reason(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.a.pk}/thuong-truc/", {
            "seen": seen_agency(self.a), "replace": "on"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Agency.objects.get(pk=self.a.pk).is_standing_body)


class UserCreateTestCase(OrgTestCase):
    def test_it_creates_a_user_who_can_sign_in(self):
        r = self.client.post("/to-chuc/nguoi-dung/moi/", {
            "username": "Sokhcn.NhapLieu", "full_name": "Nguyễn Văn A", "email": "a@example.org",
            "password": NEW_PASSWORD, "agency": self.a.pk, "role": "agency_officer"})
        user = User.objects.get(username="sokhcn.nhaplieu")
        self.assertRedirects(r, f"/to-chuc/nguoi-dung/{user.pk}/")
        self.assertEqual(user.get_full_name(), "Nguyễn Văn A")
        self.assertTrue(Membership.objects.filter(user=user, agency=self.a, role="agency_officer").exists())
        (row,) = self.audits("user.create")
        self.assertEqual(row.after["memberships"], [[self.a.pk, "agency_officer"]])
        self.assertNotIn(NEW_PASSWORD, str(row.after))
        self.client.logout()
        r = self.client.post("/dang-nhap/", {"username": "sokhcn.nhaplieu", "password": NEW_PASSWORD})
        self.assertEqual(r.status_code, 302)

    def test_it_refuses_a_weak_password(self):
        r = self.client.post("/to-chuc/nguoi-dung/moi/", {
            "username": "moi", "full_name": "Mới", "password": "12345678"})
        self.assertRefused(r, "Mật khẩu quá ngắn")
        self.assertFalse(User.objects.filter(username="moi").exists())

    def test_it_refuses_a_duplicate_username(self):
        r = self.client.post("/to-chuc/nguoi-dung/moi/", {
            "username": "ALICE", "full_name": "Alice 2", "password": NEW_PASSWORD})
        self.assertRefused(r, "Tên đăng nhập “alice” đã có.")
        self.assertEqual(User.objects.filter(username__iexact="alice").count(), 1)


class UserPageTestCase(OrgTestCase):
    def test_it_adds_and_removes_a_membership(self):
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/vai-tro/", {
            "seen": seen_user(self.bob), "agency": self.a.pk, "role": "agency_head", "reason": "Kiêm nhiệm"})
        self.assertEqual(r.status_code, 302)
        m = Membership.objects.get(user=self.bob, agency=self.a, role="agency_head")
        self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/vai-tro/{m.pk}/bo/", {"seen": seen_user(self.bob)})
        self.assertFalse(Membership.objects.filter(pk=m.pk).exists())
        add, remove = self.audits("membership.add"), self.audits("membership.remove")
        self.assertEqual(add[0].after["memberships"], sorted([[self.b.pk, "agency_officer"],
                                                                [self.a.pk, "agency_head"]]))
        self.assertEqual(remove[0].after["memberships"], [[self.b.pk, "agency_officer"]])

    def test_it_gives_the_departments_roles_only_in_the_standing_body(self):
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/vai-tro/", {
            "seen": seen_user(self.bob), "agency": self.b.pk, "role": "dept_admin"})
        self.assertRefused(r, "chỉ gán ở cơ quan thường trực")
        self.assertFalse(Membership.objects.filter(user=self.bob, role="dept_admin").exists())

    def test_it_refuses_to_remove_the_admins_own_last_admin_role(self):
        m = Membership.objects.get(user=self.admin, role="dept_admin")
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.admin.pk}/vai-tro/{m.pk}/bo/",
                             {"seen": seen_user(self.admin)})
        self.assertRefused(r, "Không thể bỏ vai trò quản trị hệ thống cuối cùng của chính mình")
        self.assertTrue(Membership.objects.filter(pk=m.pk).exists())

    def test_it_refuses_to_leave_no_active_admin(self):
        # two admins remove each other's role at the same moment: the first commits, the second,
        # whose own role has just gone, must not remove the last one
        other = User.objects.create_user("admin2", password=PASSWORD)
        m2 = Membership.objects.create(user=other, agency=self.dept, role="dept_admin")
        mine = Membership.objects.get(user=self.admin, role="dept_admin")
        seen = seen_user(self.admin)
        services.remove_membership(m2.pk, services.audit.Actor(user=self.admin), seen=seen_user(other))
        with self.assertRaisesMessage(services.Refused, "Phải còn ít nhất một quản trị hệ thống đang hoạt động."):
            services.remove_membership(mine.pk, services.audit.Actor(user=other), seen=seen)
        self.assertTrue(Membership.objects.filter(pk=mine.pk).exists())

    def test_it_deactivates_and_reactivates(self):
        self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/trang-thai/",
                         {"seen": seen_user(self.bob), "active": "False", "reason": "Nghỉ hưu"})
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertTrue(Membership.objects.filter(user=self.bob).exists())
        self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/trang-thai/",
                         {"seen": seen_user(self.bob), "active": "True"})
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
        (off,), (on,) = self.audits("user.deactivate"), self.audits("user.activate")
        self.assertEqual((on.before["is_active"], on.after["is_active"]), (False, True))
        self.assertEqual((off.before["is_active"], off.after["is_active"]), (True, False))
        self.assertEqual(off.reason, "Nghỉ hưu")

    def test_a_deactivated_users_open_session_ends(self):
        from django.test import Client

        bob = Client()
        bob.force_login(self.bob)
        self.assertEqual(bob.get("/").status_code, 200)
        services.set_active(self.bob.pk, services.audit.Actor(user=self.admin), seen=seen_user(self.bob),
                            active=False)
        self.assertEqual(bob.get("/dot/").status_code, 302)

    def test_it_refuses_to_deactivate_oneself(self):
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.admin.pk}/trang-thai/",
                             {"seen": seen_user(self.admin), "active": "False"})
        self.assertRefused(r, "Không thể tự khóa tài khoản của chính mình.")
        self.assertTrue(User.objects.get(pk=self.admin.pk).is_active)

    def test_it_resets_a_password_and_refuses_a_weak_one(self):
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/mat-khau/", {"password": "password"})
        self.assertRefused(r, "Mật khẩu")
        self.assertTrue(User.objects.get(pk=self.bob.pk).check_password(PASSWORD))
        self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/mat-khau/", {"password": NEW_PASSWORD})
        self.assertTrue(User.objects.get(pk=self.bob.pk).check_password(NEW_PASSWORD))
        (row,) = self.audits("user.password_reset")
        self.assertNotIn(NEW_PASSWORD, f"{row.before}{row.after}")

    def test_it_refuses_a_stale_copy(self):
        old = seen_user(self.bob)
        services.update_user(self.bob.pk, services.audit.Actor(user=self.admin), seen=old, full_name="Bob B",
                             email="")
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/sua/", {"seen": old, "full_name": "Bob C"})
        self.assertRefused(r, "đã sửa mục này lúc", status=409)
        self.assertEqual(User.objects.get(pk=self.bob.pk).get_full_name(), "Bob B")

    def test_it_leaves_technical_accounts_to_the_django_admin(self):
        root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
        r = self.client.post(f"/to-chuc/nguoi-dung/{root.pk}/mat-khau/", {"password": NEW_PASSWORD})
        self.assertRefused(r, "chỉ sửa được trong trang quản trị hệ thống", status=403)
        self.assertTrue(User.objects.get(pk=root.pk).check_password(PASSWORD))


class UnitPageTestCase(OrgTestCase):
    def setUp(self):
        super().setUp()
        self.old = Unit.objects.create(ref_id="D1", code="001", name="Huyện Cũ", kind="district",
                                       parent=self.province, valid_from=dt.date(2000, 1, 1))
        self.new = Unit.objects.create(ref_id="D2", code="002", name="Thị xã Mới", kind="district",
                                       parent=self.province, valid_from=dt.date(2020, 1, 1))

    def post(self, **data):
        seen = services.stamp(services.unit_state(Unit.objects.get(pk=self.old.pk)))
        return self.client.post(f"/to-chuc/don-vi/{self.old.pk}/", {"seen": seen, "reason": "NQ 1/2020", **data})

    def test_it_sets_validity_and_successor(self):
        r = self.post(valid_from="01/01/2000", valid_to="01/02/2020", successor=self.new.pk)
        self.assertEqual(r.status_code, 302)
        self.old.refresh_from_db()
        self.assertEqual((self.old.valid_to, self.old.successor), (dt.date(2020, 2, 1), self.new))
        (row,) = self.audits("unit.validity")
        self.assertEqual((row.before["valid_to"], row.after["valid_to"]), (None, "2020-02-01"))
        self.assertContains(self.client.get("/to-chuc/don-vi/?cap=district&tat-ca=1"), "Thị xã Mới")

    def test_it_refuses_an_end_not_after_the_start(self):
        r = self.post(valid_from="01/01/2000", valid_to="01/01/2000")
        self.assertRefused(r, "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        self.old.refresh_from_db()
        self.assertIsNone(self.old.valid_to)

    def test_it_lists_units_in_force(self):
        Unit.objects.filter(pk=self.old.pk).update(valid_to=dt.date(2020, 2, 1))
        html = self.client.get("/to-chuc/don-vi/?cap=district").content.decode()
        self.assertIn("Thị xã Mới", html)
        self.assertNotIn("Huyện Cũ", html)


class RoundDatesTestCase(OrgTestCase):
    def seen(self):
        self.round.refresh_from_db()
        return services.stamp(round_state(self.round))

    def test_it_moves_the_dates_of_an_open_collection_round(self):
        today = timezone.localdate()
        r = self.client.post(f"/to-chuc/dot/thu-thap/{self.round.pk}/", {
            "seen": self.seen(), "opens_on": f"{today:%d/%m/%Y}", "due_on": f"{today + dt.timedelta(days=30):%d/%m/%Y}",
            "locks_on": f"{today + dt.timedelta(days=40):%d/%m/%Y}", "reason": "Gia hạn theo công văn"})
        self.assertEqual(r.status_code, 302)
        self.round.refresh_from_db()
        self.assertEqual(self.round.due_on, today + dt.timedelta(days=30))
        (row,) = self.audits("round.dates")
        self.assertEqual(row.reason, "Gia hạn theo công văn")
        self.assertNotEqual(row.before["due_on"], row.after["due_on"])

    def test_it_refuses_dates_out_of_order(self):
        r = self.client.post(f"/to-chuc/dot/thu-thap/{self.round.pk}/", {
            "seen": self.seen(), "opens_on": "10/01/2024", "due_on": "01/01/2024", "locks_on": "01/02/2024",
            "reason": "x"})
        self.assertRefused(r, "Phải có: ngày mở ≤ hạn gửi ≤ ngày khóa.")
        self.assertEqual(self.audits("round.dates"), [])

    def test_it_refuses_a_round_with_every_form_approved(self):
        self.round.submissions.update(status="approved")
        r = self.client.post(f"/to-chuc/dot/thu-thap/{self.round.pk}/", {
            "seen": self.seen(), "opens_on": "01/01/2024", "due_on": "02/01/2024", "locks_on": "03/01/2024",
            "reason": "x"})
        self.assertRefused(r, "đợt đã kết thúc")

    def test_it_lists_the_rounds(self):
        self.assertContains(self.client.get("/to-chuc/dot/"), f"/to-chuc/dot/thu-thap/{self.round.pk}/")


class HeaderLinkTestCase(OrgTestCase):
    def test_it_shows_the_organisation_link_to_the_admin_only(self):
        for user, shown in ((self.officer, False), (self.admin, True), (self.alice, False), (self.leader, False)):
            self.login(user)
            self.assertEqual("/to-chuc/co-quan/" in self.client.get("/").content.decode(), shown, user)


class EnglishOrgPagesTestCase(BaseTestCase):
    """In English, the organisation pages and their refusals show no Vietnamese of their own
    (the check of tests/web/test_english.py)."""

    own_part = staticmethod(english.EnglishPagesTestCase.own_part)
    assert_english = english.EnglishPagesTestCase.assert_english
    extra_data = (*english.EnglishPagesTestCase.extra_data, "Sở Nội vụ")  # the name before the rename

    def data_strings(self):
        out = set(english.EnglishPagesTestCase.data_strings(self))
        out.update(r for r in AuditEntry.objects.values_list("reason", flat=True) if r)
        out.update(n for n in AuditEntry.objects.values_list("user_name", flat=True) if n)
        return sorted(out, key=len, reverse=True)

    def setUp(self):
        self.client.cookies["chiso_language"] = "en"
        self.client.force_login(self.admin)

    def test_it_renders_every_page_in_english(self):
        services.rename_agency(self.a.pk, services.audit.Actor(user=self.admin), seen=seen_agency(self.a),
                               name="Sở Nội vụ mới", reason="Đổi tên")
        for url in ["/to-chuc/co-quan/", "/to-chuc/co-quan/moi/", f"/to-chuc/co-quan/{self.a.pk}/",
                    f"/to-chuc/co-quan/{self.dept.pk}/", "/to-chuc/nguoi-dung/", "/to-chuc/nguoi-dung/moi/",
                    f"/to-chuc/nguoi-dung/{self.bob.pk}/", "/to-chuc/don-vi/", f"/to-chuc/don-vi/{self.province.pk}/",
                    "/to-chuc/dot/", f"/to-chuc/dot/thu-thap/{self.round.pk}/"]:
            self.assert_english(self.client.get(url), url)
        self.client.force_login(self.leader)
        self.assert_english(self.client.get(f"/to-chuc/co-quan/{self.a.pk}/"), "as leader")

    def test_refusals_are_in_english(self):
        r = self.client.post(f"/to-chuc/co-quan/{self.a.pk}/thuong-truc/", {"seen": seen_agency(self.a),
                                                                             "reason": "x"})
        self.assert_english(r, "standing body refused", status=400)
        self.assertContains(r, "standing body", status_code=400)
        r = self.client.post("/to-chuc/nguoi-dung/moi/", {"username": "alice", "full_name": "A", "password": "1"})
        self.assert_english(r, "user refused", status=400)
        r = self.client.post(f"/to-chuc/nguoi-dung/{self.bob.pk}/sua/", {"seen": "old", "full_name": "B"})
        self.assert_english(r, "stale copy", status=409)


class InternalRoundDatesTestCase(AssessmentCase):
    def post(self, version=None, **dates):
        rnd = InternalRound.objects.get(pk=self.round.pk)
        data = {"version": rnd.version if version is None else version, "opens_on": f"{rnd.opens_on:%d/%m/%Y}",
                "self_due_on": f"{rnd.self_due_on:%d/%m/%Y}", "appraisal_due_on": f"{rnd.appraisal_due_on:%d/%m/%Y}",
                "reason": "Lùi hạn theo công văn", **dates}
        return self.client.post(f"/to-chuc/dot/noi-bo/{self.round.pk}/", data)

    def test_it_moves_the_deadlines_and_bumps_the_version(self):
        self.login(self.admin)
        before = InternalRound.objects.get(pk=self.round.pk)
        new_due = before.self_due_on + dt.timedelta(days=7)
        r = self.post(self_due_on=f"{new_due:%d/%m/%Y}")
        self.assertEqual(r.status_code, 302)
        after = InternalRound.objects.get(pk=self.round.pk)
        self.assertEqual((after.self_due_on, after.version), (new_due, before.version + 1))
        row = AuditEntry.objects.get(action="assessment_round.dates")
        self.assertEqual((row.before["self_due_on"], row.after["self_due_on"]),
                         (before.self_due_on.isoformat(), new_due.isoformat()))

    def test_it_refuses_dates_out_of_order(self):
        self.login(self.admin)
        r = self.post(self_due_on="01/01/2000")
        self.assertContains(r, "Phải có: ngày mở ≤ hạn tự đánh giá ≤ hạn thẩm định.", status_code=400)
        self.assertFalse(AuditEntry.objects.filter(action="assessment_round.dates").exists())

    def test_it_refuses_an_older_copy(self):
        self.login(self.admin)
        InternalRound.objects.filter(pk=self.round.pk).update(version=F("version") + 1)
        r = self.post(version=InternalRound.objects.get(pk=self.round.pk).version - 1, opens_on="01/01/2020")
        self.assertEqual(r.status_code, 409)
        self.assertNotEqual(InternalRound.objects.get(pk=self.round.pk).opens_on, dt.date(2020, 1, 1))

    def test_it_refuses_a_round_with_a_decision(self):
        self.login(self.admin)
        InternalRound.objects.filter(pk=self.round.pk).update(status="decision")
        self.assertContains(self.post(opens_on="01/01/2020"), "không đổi ngày được", status_code=400)

    def test_it_checks_access(self):
        for user, status in ((self.officer, 403), (self.leader, 403), (self.alice, 404), (self.nobody, 404)):
            self.login(user)
            self.assertEqual(self.post(opens_on="01/01/2020").status_code, status, user)
        self.login(self.officer)
        self.assertEqual(self.client.get(f"/to-chuc/dot/noi-bo/{self.round.pk}/").status_code, 200)


class ListQueriesTestCase(OrgTestCase):
    """The list pages read a fixed number of statements, however many rows they show."""

    def count(self, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_it_does_not_grow_with_the_rows(self):
        urls = ["/to-chuc/co-quan/", "/to-chuc/nguoi-dung/", "/to-chuc/don-vi/", "/to-chuc/dot/"]
        self.client.get("/")  # the session and the header once
        before = [self.count(url) for url in urls]
        for i in range(8):
            agency = Agency.objects.create(code=f"X{i}", name=f"Cơ quan {i}", kind="department",
                                           unit=self.province, successor=self.a,
                                           valid_to=dt.date(2020, 1, 1) if i % 2 else None)
            user = User.objects.create_user(f"u{i}", password=PASSWORD)
            Membership.objects.create(user=user, agency=agency, role="agency_officer")
            Unit.objects.create(ref_id=f"C{i}", code=f"9{i}", name=f"Xã {i}", kind="commune", parent=self.province,
                                successor=self.province)
        self.assertEqual([self.count(url) for url in urls], before)
