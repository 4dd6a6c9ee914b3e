from __future__ import annotations

from chiso.orgs.models import AuditEntry
from chiso.results.models import Goalpost

from .base import ResultsTestCase


class GoalpostsEditTestCase(ResultsTestCase):
    url = "/ket-qua/muc-tieu/test-fw/moc/"
    # test-fw: total_staff, it_staff and pct_online are scored by ratio_to_max (need a maximum);
    # has_portal (yes/no) and level (partial credit) need no goalposts.
    CODES = ["total_staff", "it_staff", "pct_online"]

    def form(self, **over):
        data = {"source": "Báo cáo 2024", "reason": ""}
        for code in self.CODES:
            data.update({f"mode_{code}": "published", f"lo_{code}": "", f"hi_{code}": ""})
        data.update(over)
        return data

    def post(self, **over):
        self.login(self.admin)
        return self.client.post(self.url, self.form(**over))

    def test_it_lists_the_indicators_that_need_goalposts(self):
        self.login(self.officer)
        r = self.client.get(self.url)
        for code in self.CODES:
            self.assertContains(r, f'name="hi_{code}"')
        self.assertNotContains(r, 'name="hi_has_portal"')
        self.assertNotContains(r, 'name="hi_level"')

    def test_it_saves_entered_goalposts(self):
        r = self.post(mode_total_staff="entered", lo_total_staff="0", hi_total_staff="1.234,5",
                      mode_pct_online="entered", hi_pct_online="87,5")
        self.assertRedirects(r, "/ket-qua/muc-tieu/test-fw/")
        g = Goalpost.objects.get(framework_id="test-fw", code="total_staff")
        self.assertEqual((g.lo, g.hi, g.source, g.updated_by, g.is_demo), (0.0, 1234.5, "Báo cáo 2024", self.admin, False))
        g = Goalpost.objects.get(framework_id="test-fw", code="pct_online")
        self.assertEqual((g.lo, g.hi), (None, 87.5))  # value ÷ maximum: the minimum is optional
        self.assertFalse(Goalpost.objects.filter(code="it_staff").exists())

    def test_it_writes_one_audit_row(self):
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=4, source="cũ")
        self.post(mode_total_staff="entered", lo_total_staff="0", hi_total_staff="30", reason="số mới")
        e = AuditEntry.objects.get(action="results.goalposts.change")
        self.assertEqual(e.before, {"it_staff": {"lo": 0.0, "hi": 4.0, "source": "cũ"}, "total_staff": None})
        self.assertEqual(e.after, {"it_staff": None, "total_staff": {"lo": 0.0, "hi": 30.0, "source": "Báo cáo 2024"}})
        self.assertEqual((e.user, e.reason, e.target_id), (self.admin, "số mới", "test-fw"))

    def test_it_changes_nothing_when_saved_unchanged(self):
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0.1, hi=0.123456789, source="cũ")
        self.login(self.admin)
        r = self.client.get(self.url)
        self.assertContains(r, 'value="0,123456789"')
        self.post(mode_total_staff="entered", lo_total_staff="0,1", hi_total_staff="0,123456789")
        self.assertFalse(AuditEntry.objects.filter(action="results.goalposts.change").exists())
        self.assertEqual(Goalpost.objects.get(code="total_staff").source, "cũ")

    def test_it_takes_goalposts_from_the_last_published_edition(self):
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=20, source="cũ")
        self.post()  # every indicator: "published"
        self.assertFalse(Goalpost.objects.filter(framework_id="test-fw").exists())

    def test_it_shows_errors_at_the_field(self):
        cases = [
            ({"lo_total_staff": "5", "hi_total_staff": "5"}, "lo_total_staff",
             "Giá trị nhỏ nhất (5) phải nhỏ hơn giá trị lớn nhất (5)."),
            ({"lo_total_staff": "9", "hi_total_staff": "3"}, "lo_total_staff",
             "Giá trị nhỏ nhất (9) phải nhỏ hơn giá trị lớn nhất (3)."),
            ({"lo_total_staff": "abc", "hi_total_staff": "3"}, "lo_total_staff", "“abc” không phải là số."),
            ({"lo_total_staff": "0", "hi_total_staff": ""}, "hi_total_staff", "Nhập giá trị lớn nhất."),
            ({"lo_total_staff": "-1", "hi_total_staff": "3"}, "lo_total_staff",
             "Giá trị -1 nằm ngoài khoảng [0; +∞]."),
        ]
        for over, field, message in cases:
            r = self.post(mode_total_staff="entered", **over)
            self.assertEqual(r.status_code, 200, over)
            self.assertEqual(r.context["form"].errors[field], [message], over)
            self.assertContains(r, "chưa có gì được lưu")
        r = self.post(mode_pct_online="entered", hi_pct_online="150")
        self.assertEqual(r.context["form"].errors["hi_pct_online"], ["Giá trị 150 nằm ngoài khoảng [0; 100]."])

    def test_it_is_all_or_nothing(self):
        r = self.post(mode_total_staff="entered", lo_total_staff="0", hi_total_staff="30",
                      mode_it_staff="entered", lo_it_staff="4", hi_it_staff="1")
        self.assertEqual(r.status_code, 200)
        self.assertFalse(Goalpost.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="results.goalposts.change").exists())

    def test_it_requires_the_department(self):
        for user in (self.leader, self.alice, self.anna, self.bob, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            self.assertEqual(self.client.post(self.url, self.form(mode_total_staff="entered",
                                                                  hi_total_staff="3")).status_code, 403, user)
        self.assertFalse(Goalpost.objects.exists())

    def test_it_404s_unknown_framework(self):
        self.login(self.admin)
        self.assertEqual(self.client.get("/ket-qua/muc-tieu/no-such-fw/moc/").status_code, 404)

    def test_it_feeds_the_next_projection(self):
        from chiso.collection import services as collection
        from chiso.collection.models import Submission
        from chiso.orgs import audit
        from chiso.results import services

        collection.save_values(self.sub_a.pk, [collection.Change("total_staff", "17"),
                                               collection.Change("it_staff", "3")], audit.Actor(user=self.alice))
        Submission.objects.filter(pk=self.sub_a.pk).update(status="approved")
        self.post(mode_total_staff="entered", lo_total_staff="0", hi_total_staff="20",
                  mode_it_staff="entered", lo_it_staff="0", hi_it_staff="4")
        run = services.run_from_round(self.round, audit.Actor(user=self.admin))
        self.assertEqual(run.goalposts["total_staff"]["hi"], 20.0)
        staff = next(n for n in run.output["codes"] if n == "total_staff")
        self.assertAlmostEqual(run.output["scores"][0][run.output["codes"].index(staff)], 17 / 20)
