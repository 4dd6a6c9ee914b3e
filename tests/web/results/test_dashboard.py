from __future__ import annotations

from django.conf import settings

from chiso.orgs import audit
from chiso.results import services
from chiso.results.models import IndexRun, Target

from .base import DTI, ResultsTestCase


class DashboardTestCase(ResultsTestCase):
    url = "/ket-qua/"

    def test_it_shows_engine_numbers(self):
        self.login(self.leader)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["run_id"], self.dti_run.pk)
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
        self.assertEqual(r.context["run_id"], self.dti_run.pk)

    def test_it_hides_collected_runs_from_anonymous(self):
        IndexRun.objects.filter(pk=self.dti_run.pk).update(basis="collected")
        r = self.client.get(self.url)
        self.assertIsNone(r.context["run_id"])


    def test_it_stores_the_main_table_with_the_run(self):
        stored = self.dti_run.summary["dashboard"]
        self.assertEqual(stored, services.main_table(self.dti_run.summary, target_rank=20))
        # Each main index against the engine's own scores: best of the five and the score at rank 2.
        out = self.dti_run.output
        for n in stored["nodes"]:
            col = sorted((row[out["codes"].index(n["code"])] for row in out["scores"]), reverse=True)
            self.assertEqual(n["best"], col[0])
            self.assertIsNone(n["threshold"])  # rank 20 among five provinces: no threshold
        again = services.main_table(self.dti_run.summary, target_rank=2)
        self.assertEqual([n["threshold"] for n in again["nodes"]],
                         [sorted((row[out["codes"].index(n["code"])] for row in out["scores"]), reverse=True)[1]
                          for n in again["nodes"]])

    def test_it_serves_the_cached_body(self):
        self.login(self.leader)
        first = self.client.get(self.url)
        # session, user, memberships, notices: the cache key reads generations from the cache, no stamp query
        with self.assertNumQueries(4):
            second = self.client.get(self.url)
        self.assertEqual(first.content.count(b"kpi-score"), second.content.count(b"kpi-score"))
        self.assertContains(second, f"{self.dti_run.rank}/5")

    def test_it_shows_a_new_run_at_once(self):
        self.client.get(self.url)
        run = services.run_from_table(self.table, audit.Actor(user=self.admin))
        r = self.client.get(self.url)
        self.assertEqual(r.context["run_id"], run.pk)

    def test_it_shows_a_new_target_at_once(self):
        self.assertContains(self.client.get(self.url), "Ngưỡng hạng 20")
        Target.objects.create(framework_id=DTI, rank=3)
        self.assertContains(self.client.get(self.url), "Ngưỡng hạng 3")

    def test_it_keeps_the_csrf_token_out_of_the_cache(self):
        self.login(self.admin)
        self.client.get(self.url)
        self.login(self.officer)
        r = self.client.get(self.url)
        self.assertContains(r, 'id="run-table"')
        token = r.context["csrf_token"]
        self.assertContains(r, f'name="csrfmiddlewaretoken" value="{token}"')

    def test_it_links_target_and_goalposts(self):
        self.login(self.leader)
        self.assertContains(self.client.get(self.url), f"/ket-qua/muc-tieu/{DTI}/")
        self.client.logout()
        self.assertNotContains(self.client.get(self.url), "/ket-qua/muc-tieu/")

    def test_it_speaks_english(self):
        # The language switch in the page header: POST /i18n/setlang/ sets the cookie and comes back.
        r = self.client.post("/i18n/setlang/", {"language": "en", "next": self.url}, follow=True)
        self.assertEqual(r.redirect_chain[-1][0], self.url)
        for text in ["The province's index results", "Target: rank 20", "Rank and score by year",
                     "Main indices: province, best province and target threshold", "Rank-20 threshold",
                     "Digital awareness"]:
            self.assertContains(r, text)
        self.assertNotContains(r, "Thứ hạng và điểm theo năm")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        self.assertContains(self.client.get(self.url), "Thứ hạng và điểm theo năm")


class RunDetailTestCase(ResultsTestCase):
    def test_it_explains(self):
        r = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/")
        self.assertContains(r, 'id="node-nhan_thuc_so"')
        self.assertContains(r, "https://example.org/dti")

    def test_it_404s_collected_run_for_anonymous(self):
        IndexRun.objects.filter(pk=self.dti_run.pk).update(basis="collected")
        self.assertEqual(self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/").status_code, 404)
