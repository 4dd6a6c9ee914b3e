from __future__ import annotations

from chiso.orgs.models import AuditEntry
from chiso.results.models import Target

from .base import DTI, ResultsTestCase


class TargetEditTestCase(ResultsTestCase):
    url = f"/ket-qua/muc-tieu/{DTI}/hang/"

    def post(self, **data):
        self.login(self.admin)
        return self.client.post(self.url, {"rank": "", "basis": "", "reason": "", **data})

    def test_it_shows_the_form(self):
        self.login(self.officer)
        r = self.client.get(self.url)
        self.assertContains(r, 'name="rank"')
        self.assertContains(r, 'value="20"')  # the default: QĐ 936 §2
        self.assertContains(r, "63")  # ranks 1..63

    def test_it_saves(self):
        r = self.post(rank="15", basis="Nghị quyết 2025")
        self.assertRedirects(r, f"/ket-qua/muc-tieu/{DTI}/")
        t = Target.objects.get(framework_id=DTI)
        self.assertEqual((t.rank, t.basis, t.updated_by), (15, "Nghị quyết 2025", self.admin))

    def test_it_writes_one_audit_row(self):
        Target.objects.create(framework_id=DTI, rank=20, basis="QĐ 936")
        self.post(rank="10", basis="QĐ 936", reason="tham vọng hơn")
        e = AuditEntry.objects.get(action="results.target.change")
        self.assertEqual(e.before, {"rank": 20, "basis": "QĐ 936"})
        self.assertEqual(e.after, {"rank": 10, "basis": "QĐ 936"})
        self.assertEqual((e.user, e.reason), (self.admin, "tham vọng hơn"))

    def test_it_writes_nothing_when_unchanged(self):
        Target.objects.create(framework_id=DTI, rank=20, basis="QĐ 936")
        self.post(rank="20", basis="QĐ 936")
        self.assertFalse(AuditEntry.objects.filter(action="results.target.change").exists())

    def test_it_rejects_rank_out_of_range(self):
        for text, message in [("0", "Thứ hạng phải từ 1 đến 63, nhận được 0."),
                              ("64", "Thứ hạng phải từ 1 đến 63, nhận được 64."),
                              ("mười", "Thứ hạng phải là số nguyên dương, nhận được “mười”."),
                              ("2,5", "Thứ hạng phải là số nguyên dương, nhận được “2,5”.")]:
            r = self.post(rank=text)
            self.assertEqual(r.status_code, 200, text)
            self.assertEqual(r.context["form"].errors["rank"], [message])
            self.assertContains(r, message.replace("“", "&ldquo;").replace("”", "&rdquo;")[:20])
        self.assertFalse(Target.objects.filter(framework_id=DTI).exists())

    def test_it_requires_the_department(self):
        for user in (self.leader, self.alice, self.anna, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            self.assertEqual(self.client.post(self.url, {"rank": "1"}).status_code, 403, user)
        self.assertFalse(Target.objects.filter(framework_id=DTI).exists())

    def test_it_404s_unknown_framework(self):
        self.login(self.admin)
        self.assertEqual(self.client.get("/ket-qua/muc-tieu/no-such-fw/hang/").status_code, 404)

    def test_it_moves_the_dashboard_threshold(self):
        self.post(rank="2")
        r = self.client.get("/ket-qua/")
        self.assertContains(r, "Ngưỡng hạng 2")
        # The second-best Nhận thức số of the five provinces (0.70, Hà Nội), from the run's own scores.
        out = self.dti_run.output
        scores = sorted((row[out["codes"].index("nhan_thuc_so")] for row in out["scores"]), reverse=True)
        node = next(n for n in r.context["nodes"] if n["code"] == "nhan_thuc_so")
        self.assertEqual(node["threshold"], scores[1])
        self.assertEqual(node["gap"], node["score"] - scores[1])
