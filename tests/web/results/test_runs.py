from __future__ import annotations

import datetime as dt

import numpy as np

from chiso.collection import services as collection
from chiso.collection.models import Round, Submission
from chiso.engine.compute import compute
from chiso.frameworks import load_framework
from chiso.orgs import audit
from chiso.results import services
from chiso.results.models import Goalpost, IndexRun, PublishedTable, PublishedValue

from .base import DTI, MAINS, PEERS, ResultsTestCase


class RunFromTableTestCase(ResultsTestCase):
    def test_it_equals_the_engine(self):
        fw = load_framework(DTI)
        data = {name: {c: round(base + 0.01 * k, 4) for k, c in enumerate(MAINS)} for name, base in PEERS.values()}
        expected = compute(fw, data)
        self.assertAlmostEqual(self.dti_run.score, expected.score("Hà Nam"), places=12)
        self.assertEqual(self.dti_run.rank, expected.rank_of("Hà Nam"))
        self.assertEqual(self.dti_run.rank, 4)
        node = next(n for n in self.dti_run.summary["nodes"] if n["code"] == "nhan_thuc_so")
        self.assertEqual(node["best_unit"], "Đà Nẵng")
        self.assertAlmostEqual(node["best"], 0.80)

    def test_it_replays_from_stored_inputs(self):
        again = services.replay(self.dti_run)
        self.assertAlmostEqual(again.score("Hà Nam"), self.dti_run.score, places=12)
        self.assertEqual(again.recipe["inputs_sha256"], self.dti_run.recipe["inputs_sha256"])

    def test_it_drops_incomplete_provinces_and_says_so(self):
        PublishedValue.objects.create(table=self.table, unit_ref="P02", unit_name="Hà Giang", code="nhan_thuc_so",
                                      value=0.3)
        run = services.run_from_table(self.table, audit.Actor(user=self.admin))
        self.assertEqual(run.n_units, 5)
        self.assertIn("Hà Giang", run.note)


class RunFromRoundTestCase(ResultsTestCase):
    """The province's index projected from approved values, with goalposts (test-fw)."""

    def test_it_scores_against_goalposts(self):
        self.fill_a(total="10", it="2", portal="1")
        Submission.objects.filter(pk=self.sub_a.pk).update(status="approved")
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=20, source="Sở nhập")
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=4, source="Sở nhập")
        run = services.run_from_round(self.round, audit.Actor(user=self.admin))
        self.assertTrue(run.is_projection)
        # total_staff 10/20 = 0.5, it_staff 2/4 = 0.5, has_portal yes = 1 -> staff = 2/3; online missing
        staff = next(n for n in run.summary["nodes"] if n["code"] == "staff")
        self.assertAlmostEqual(staff["score"], 2 / 3)
        self.assertIn("Ước tính", run.note)
        self.assertEqual(run.goalposts["total_staff"]["hi"], 20)
        self.assertEqual(run.summary["origins"]["total_staff"][0]["agency"], "Sở Nội vụ")

    def test_it_uses_only_approved_values(self):
        self.fill_a()
        with self.assertRaisesMessage(ValueError, "Chưa có số liệu đã phê duyệt"):
            services.run_from_round(self.round, audit.Actor(user=self.admin))

    def _published_totals(self):
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=10, source="x")
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=2, source="x")
        t = PublishedTable.objects.create(framework_id="test-fw", year=2024, title="tổng công bố", source="s")
        for ref, name, value, rank in [("P48", "Đà Nẵng", 1.0, 1), ("P01", "Hà Nội", 0.95, 3), ("P02", "Hà Giang", 0.2, 40)]:
            PublishedValue.objects.create(table=t, unit_ref=ref, unit_name=name, code="total", value=value, rank=rank)

    def test_it_brackets_the_rank_between_published_totals(self):
        self.fill_a(total="10", it="2", portal="1")
        collection.save_values(self.sub_b.pk, [collection.Change("pct_online", "50")], audit.Actor(user=self.bob))
        Submission.objects.filter(pk__in=[self.sub_a.pk, self.sub_b.pk]).update(status="approved")
        Goalpost.objects.create(framework_id="test-fw", code="pct_online", lo=0, hi=100, source="x")
        self._published_totals()
        run = services.run_from_round(self.round, audit.Actor(user=self.admin))
        # staff 1.0 (all at goalposts), online 50/100 = 0.5 (its "level" missing, reweighted): total 0.75,
        # below the published 1.0 (rank 1) and 0.95 (rank 3), above 0.2 (rank 40)
        self.assertAlmostEqual(run.score, 0.75)
        self.assertEqual((run.rank_low, run.rank_high), (4, 40))
        self.assertEqual(run.summary["coverage"], {"mains": 2, "mains_total": 2, "indicators": 4,
                                                   "indicators_total": 5, "missing_mains": [], "complete": False})

    def test_it_claims_no_rank_from_part_of_the_main_indices(self):
        # only "Nhân lực" has approved values: the reweighted total (1.0) is the score of one main index
        # of two; placed among the published totals it would read "hạng 1"
        self.fill_a(total="10", it="2", portal="1")
        Submission.objects.filter(pk=self.sub_a.pk).update(status="approved")
        self._published_totals()
        run = services.run_from_round(self.round, audit.Actor(user=self.admin))
        self.assertAlmostEqual(run.score, 1.0)
        self.assertEqual((run.rank, run.rank_low, run.rank_high), (None, None, None))
        cov = run.summary["coverage"]
        self.assertEqual((cov["mains"], cov["mains_total"], cov["missing_mains"]), (1, 2, ["Trực tuyến"]))
        self.assertIn("Tính trên 1/2 chỉ số thành phần (chưa có số liệu: Trực tuyến); chưa đủ để xếp hạng.", run.note)
        self.assertNotIn("pct_online", run.note)  # indicators by name, not by code
        self.assertIn("Tỷ lệ hồ sơ trực tuyến", run.note)


class DemoResultsCommandTestCase(ResultsTestCase):
    def test_it_loads_facts_and_labelled_demo_idempotently(self):
        from django.core.management import call_command

        call_command("load_demo_results")
        n = PublishedValue.objects.count()
        call_command("load_demo_results")
        self.assertEqual(PublishedValue.objects.count(), n)
        ranks = PublishedTable.objects.get(title="DTI 2022 — xếp hạng 63 tỉnh (công bố)")
        self.assertEqual(ranks.values.get(unit_ref="P35").rank, 34)
        demo = IndexRun.objects.get(table__is_demo=True)
        self.assertTrue(demo.is_demo)
        # The demonstration data reproduce the published order.
        self.assertEqual(demo.rank, 34)


class RoundDatesTestCase(ResultsTestCase):
    def test_it_ignores_other_rounds(self):
        other = Round.objects.create(framework_id="test-fw", year=2023, title="2023", opens_on=dt.date(2023, 1, 1),
                                     due_on=dt.date(2023, 2, 1), locks_on=dt.date(2023, 3, 1))
        sub = Submission.objects.create(round=other, agency=self.a, status="approved")
        sub.values.create(code="total_staff", number=99)
        self.fill_a(total="10")
        Submission.objects.filter(pk=self.sub_a.pk).update(status="approved")
        values, _o = services.province_values(self.round)
        self.assertEqual(values["total_staff"], 10)
        self.assertTrue(np.isfinite(values["total_staff"]))
        collection  # noqa: B018 (imported for the cast's helpers)


class RunPageRanksTestCase(ResultsTestCase):
    def test_ranks_are_printed_as_whole_numbers(self):
        # Hà Nam (base 0.50) is 4th of the five provinces of the cast, Đà Nẵng (0.80) 1st
        body = self.client.get(f"/ket-qua/lan-tinh/{self.dti_run.pk}/").content.decode()
        self.assertIn('<td class="num">4</td><td>Hà Nam</td>', body)
        self.assertIn('<td class="num">1</td><td>Đà Nẵng</td>', body)
        self.assertNotIn("4,0", body)
