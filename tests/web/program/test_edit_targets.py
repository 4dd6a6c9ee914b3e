"""The department edits a KPI's baseline, target, unit and due date, and a specific objective's
target, in the web pages: Vietnamese errors at the field, a stale form refused, every change
audited (who, when, old -> new, why), agencies and the leadership refused (403)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from chiso.orgs.models import AuditEntry
from chiso.program.models import Kpi, Objective, Program

from .base import ProgramTestCase


def errors_of(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


class KpiEditTestCase(ProgramTestCase):
    def url(self, kpi=None):
        return f"/chuong-trinh/{self.program.pk}/chi-tieu/{(kpi or self.kpi_ind).pk}/sua/"

    def data(self, **kw):
        d = {
            "baseline": "2,5",
            "target": "12",
            "unit": "người",
            "due_on": "30/06/2020",
            "reason": "Theo Kế hoạch 2019",
            "version": self.kpi_ind.version,
        }
        d.update(kw)
        return d

    def audits(self):
        return AuditEntry.objects.filter(action="kpi.change", target_id=str(self.kpi_ind.pk))

    def test_the_department_sees_the_current_values_in_vietnamese_format(self):
        Kpi.objects.filter(pk=self.kpi_ind.pk).update(baseline=0.75)
        for user in (self.officer, self.admin):
            self.login(user)
            r = self.client.get(self.url())
            self.assertEqual(r.status_code, 200)
            html = r.content.decode()
            self.assertIn('value="0,75"', html)
            self.assertIn('value="31/12/2020"', html)
            self.assertIn('value="người"', html)

    def test_a_valid_edit_is_saved_and_audited(self):
        self.login(self.officer)
        r = self.client.post(self.url(), self.data())
        self.assertRedirects(r, f"/chuong-trinh/{self.program.pk}/nhiem-vu/1/", fetch_redirect_response=False)
        k = Kpi.objects.get(pk=self.kpi_ind.pk)
        self.assertEqual((k.baseline, k.target, k.unit, k.due_on), (2.5, 12.0, "người", dt.date(2020, 6, 30)))
        self.assertEqual(k.version, self.kpi_ind.version + 1)
        e = self.audits().get()
        self.assertEqual(e.user, self.officer)
        self.assertEqual(e.reason, "Theo Kế hoạch 2019")
        self.assertEqual(e.before, {"baseline": None, "target": 10.0, "due_on": "2020-12-31"})
        self.assertEqual(e.after, {"baseline": 2.5, "target": 12.0, "due_on": "2020-06-30"})
        self.assertEqual((e.parent_type, e.parent_id), ("program.program", str(self.program.pk)))
        # the history is shown on the form
        page = self.client.get(self.url()).content.decode()
        self.assertIn("Theo Kế hoạch 2019", page)
        self.assertIn("officer", page)

    def test_an_unchanged_form_writes_nothing(self):
        self.login(self.officer)
        self.client.post(self.url(), self.data(baseline="", target="10", due_on="31/12/2020"))
        self.assertFalse(self.audits().exists())
        self.assertEqual(Kpi.objects.get(pk=self.kpi_ind.pk).version, self.kpi_ind.version)

    def test_bad_input_gives_a_vietnamese_error_at_the_field_and_saves_nothing(self):
        self.login(self.officer)
        cases = [
            ({"target": "mười"}, "target", "“mười” không phải là số"),
            ({"baseline": "1.2.3,4,5"}, "baseline", "không phải là số"),
            ({"due_on": "31/02/2020"}, "due_on", "Ngày không hợp lệ: “31/02/2020”"),
            ({"due_on": "30/13/2020"}, "due_on", "dd/mm/yyyy"),
            (
                {"due_on": "01/01/2017"},
                "due_on",
                "Hạn đạt không được trước ngày bắt đầu chương trình (23/06/2017)",
            ),
            ({"unit": "%", "target": "120"}, "target", "Đơn vị là %: giá trị phải từ 0 đến 100."),
            ({"reason": "   "}, "reason", "Phải ghi lý do thay đổi."),
        ]
        for change, field, message in cases:
            r = self.client.post(self.url(), self.data(**change))
            self.assertEqual(r.status_code, 400, change)
            html = r.content.decode()
            # the message sits at its field: in the error list just before the field's input
            m = re.search(rf'<ul class="errorlist[^"]*" id="id_{field}_error">(.*?)</ul>', html, re.S)
            self.assertIsNotNone(m, f"{change}: no error at {field}")
            self.assertIn(message, m.group(1), change)
        k = Kpi.objects.get(pk=self.kpi_ind.pk)
        self.assertEqual(
            (k.baseline, k.target, k.unit, k.version), (None, 10.0, "người", self.kpi_ind.version)
        )
        self.assertFalse(self.audits().exists())

    def test_a_stale_edit_is_refused_not_overwritten(self):
        self.login(self.officer)
        stale = self.kpi_ind.version
        # another officer saves first, from the same version
        other = Client()
        other.force_login(self.admin)
        self.assertEqual(other.post(self.url(), self.data(target="15", reason="Lần 1")).status_code, 302)
        r = self.client.post(self.url(), self.data(target="20", reason="Lần 2", version=stale))
        self.assertEqual(r.status_code, 409)
        html = r.content.decode()
        self.assertIn("Chỉ tiêu vừa được người khác sửa", html)
        self.assertIn('value="15"', html)  # the current value is shown for the user to check
        self.assertEqual(Kpi.objects.get(pk=self.kpi_ind.pk).target, 15.0)
        self.assertEqual(list(self.audits().values_list("reason", flat=True)), ["Lần 1"])

    def test_an_edit_in_the_admin_also_makes_an_open_form_stale(self):
        self.login(self.officer)
        k = Kpi.objects.get(pk=self.kpi_ind.pk)
        k.target = 11
        k.save()  # the Django admin saves through Model.save()
        r = self.client.post(self.url(), self.data(target="20"))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(Kpi.objects.get(pk=self.kpi_ind.pk).target, 11.0)

    def test_agencies_and_the_leadership_cannot_edit(self):
        for user in (self.alice, self.anna, self.bob, self.bella, self.leader, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 403, user)
            self.assertEqual(self.client.post(self.url(), self.data(target="99")).status_code, 403, user)
        self.assertEqual(Kpi.objects.get(pk=self.kpi_ind.pk).target, 10.0)
        self.assertFalse(self.audits().exists())
        # agencies see no edit link on the task page either
        self.login(self.alice)
        self.assertNotIn(
            "edit-kpi", self.client.get(f"/chuong-trinh/{self.program.pk}/nhiem-vu/1/").content.decode()
        )
        self.login(self.officer)
        self.assertIn(
            "edit-kpi", self.client.get(f"/chuong-trinh/{self.program.pk}/nhiem-vu/1/").content.decode()
        )

    def test_anonymous_is_sent_to_login_and_another_programs_kpi_is_404(self):
        r = Client().post(self.url(), self.data(target="99"))
        self.assertEqual(r.status_code, 302)
        self.assertIn("/dang-nhap/", r["Location"])
        other = Program.objects.create(
            code="other",
            title="Khác",
            decision_number="1",
            decision_date=dt.date(2020, 1, 1),
            issuer="x",
            signer="x",
            signer_title="x",
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2021, 1, 1),
            framework_id="test-fw",
            standing_body=self.dept,
        )
        self.login(self.officer)
        self.assertEqual(
            self.client.get(f"/chuong-trinh/{other.pk}/chi-tieu/{self.kpi_ind.pk}/sua/").status_code, 404
        )
        self.assertEqual(
            self.client.get(f"/chuong-trinh/{self.program.pk}/chi-tieu/99999/sua/").status_code, 404
        )


class ObjectiveEditTestCase(ProgramTestCase):
    def url(self, objective=None):
        return f"/chuong-trinh/{self.program.pk}/muc-tieu/{(objective or self.objective).pk}/sua/"

    def data(self, **kw):
        d = {
            "target_rank": "15",
            "target_year": "2020",
            "reason": "Nghị quyết Tỉnh ủy",
            "version": self.objective.version,
        }
        d.update(kw)
        return d

    def test_a_valid_edit_is_saved_and_audited(self):
        self.login(self.admin)
        self.assertIn('value="20"', self.client.get(self.url()).content.decode())
        r = self.client.post(self.url(), self.data())
        self.assertEqual(r.status_code, 302)
        o = Objective.objects.get(pk=self.objective.pk)
        self.assertEqual((o.target_rank, o.target_year), (15, 2020))
        e = AuditEntry.objects.get(action="objective.change")
        self.assertEqual(
            (e.before, e.after, e.reason, e.user),
            ({"target_rank": 20}, {"target_rank": 15}, "Nghị quyết Tỉnh ủy", self.admin),
        )

    def test_bad_input_is_refused_at_the_field(self):
        self.login(self.officer)
        for change, field, message in [
            ({"target_rank": "0"}, "target_rank", "Thứ hạng phải từ 1 trở lên."),
            ({"target_rank": "hai"}, "target_rank", "Thứ hạng phải là số nguyên."),
            ({"target_year": "2040"}, "target_year", "Năm đạt mục tiêu phải từ 2017 đến 2025."),
            ({"reason": ""}, "reason", "Phải ghi lý do thay đổi."),
        ]:
            r = self.client.post(self.url(), self.data(**change))
            self.assertEqual(r.status_code, 400, change)
            m = re.search(
                rf'<ul class="errorlist[^"]*" id="id_{field}_error">(.*?)</ul>', r.content.decode(), re.S
            )
            self.assertIsNotNone(m, change)
            self.assertIn(message, m.group(1))
        self.assertEqual(Objective.objects.get(pk=self.objective.pk).target_rank, 20)

    def test_a_stale_edit_is_refused(self):
        self.login(self.officer)
        v = self.objective.version
        self.assertEqual(self.client.post(self.url(), self.data(target_rank="18")).status_code, 302)
        r = self.client.post(self.url(), self.data(target_rank="10", version=v))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(Objective.objects.get(pk=self.objective.pk).target_rank, 18)

    def test_only_the_department_and_only_specific_objectives(self):
        for user in (self.alice, self.anna, self.leader):
            self.login(user)
            self.assertEqual(self.client.post(self.url(), self.data()).status_code, 403)
        self.assertEqual(Objective.objects.get(pk=self.objective.pk).target_rank, 20)
        general = self.program.objectives.get(kind="general")
        self.login(self.officer)
        self.assertEqual(self.client.get(self.url(general)).status_code, 404)
