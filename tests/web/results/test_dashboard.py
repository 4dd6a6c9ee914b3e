from __future__ import annotations

from chiso.results.models import IndexRun

from .base import ResultsTestCase


class DashboardTestCase(ResultsTestCase):
    url = "/ket-qua/"

    def test_it_shows_engine_numbers(self):
        self.login(self.leader)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["run"].pk, self.dti_run.pk)
        score = f"{self.dti_run.score:.4f}".replace(".", ",")
        self.assertContains(r, score)
        self.assertContains(r, f"{self.dti_run.rank}/5")
        self.assertContains(r, f"/ket-qua/lan-tinh/{self.dti_run.pk}/#node-nhan_thuc_so")
        self.assertContains(r, "vendor/chart.umd.min.js")
        self.assertNotContains(r, "cdn")

    def test_it_labels_demo_data(self):
        IndexRun.objects.filter(pk=self.dti_run.pk).update(is_demo=True)
        r = self.client.get(self.url)
        self.assertContains(r, "DỮ LIỆU MINH HỌA")

    def test_it_is_public_for_published_runs(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["run"].pk, self.dti_run.pk)

    def test_it_hides_collected_runs_from_anonymous(self):
        IndexRun.objects.filter(pk=self.dti_run.pk).update(basis="collected")
        r = self.client.get(self.url)
        self.assertIsNone(r.context.get("run"))


class RunDetailTestCase(ResultsTestCase):
    def test_it_explains(self):
        r = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/")
        self.assertContains(r, 'id="node-nhan_thuc_so"')
        self.assertContains(r, "https://example.org/dti")

    def test_it_404s_collected_run_for_anonymous(self):
        IndexRun.objects.filter(pk=self.dti_run.pk).update(basis="collected")
        self.assertEqual(self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/").status_code, 404)
