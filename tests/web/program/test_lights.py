from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from chiso.program import lights as L

START, DUE = dt.date(2017, 1, 1), dt.date(2021, 1, 1)


class KpiLightTestCase(SimpleTestCase):
    def light(self, actual, target=100.0, baseline=None, direction=1, as_of=dt.date(2019, 1, 1), due=DUE):
        return L.kpi_light(
            actual=actual,
            target=target,
            baseline=baseline,
            direction=direction,
            start=START,
            due=due,
            as_of=as_of,
        )

    def test_it_is_grey_without_actual_or_target(self):
        self.assertEqual(self.light(None), L.GREY)
        self.assertEqual(self.light(5.0, target=None), L.GREY)

    def test_it_is_green_when_met_even_late(self):
        self.assertEqual(self.light(100.0, as_of=dt.date(2022, 1, 1)), L.GREEN)

    def test_it_is_red_after_due_when_not_met(self):
        self.assertEqual(self.light(99.0, as_of=dt.date(2021, 1, 2)), L.RED)

    def test_it_compares_progress_with_elapsed_time(self):
        # half the time elapsed (2019-01-01 of 2017..2021): 50 % of the way is green, 30 % amber, 20 % red
        self.assertEqual(self.light(50.0), L.GREEN)
        self.assertEqual(self.light(30.0), L.AMBER)
        self.assertEqual(self.light(20.0), L.RED)

    def test_it_measures_from_the_baseline(self):
        self.assertEqual(self.light(60.0, baseline=40.0), L.AMBER)  # 1/3 of the way, half the time
        self.assertEqual(self.light(70.0, baseline=40.0), L.GREEN)

    def test_it_handles_lower_is_better(self):
        self.assertEqual(self.light(5.0, target=10.0, direction=-1), L.GREEN)
        self.assertEqual(self.light(30.0, target=10.0, baseline=50.0, direction=-1), L.GREEN)
        self.assertEqual(self.light(45.0, target=10.0, baseline=50.0, direction=-1), L.RED)


class RollupTestCase(SimpleTestCase):
    def test_it_takes_the_worst_for_a_task(self):
        self.assertEqual(
            L.task_light(
                report_status="on_track",
                deadline=None,
                as_of=dt.date(2018, 1, 1),
                kpi_lights=[L.GREEN, L.RED, L.GREY],
            ),
            L.RED,
        )

    def test_it_makes_a_late_task_red(self):
        self.assertEqual(
            L.task_light(
                report_status="on_track",
                deadline=dt.date(2017, 12, 31),
                as_of=dt.date(2018, 1, 1),
                kpi_lights=[],
            ),
            L.RED,
        )
        self.assertEqual(
            L.task_light(
                report_status="done", deadline=dt.date(2017, 12, 31), as_of=dt.date(2018, 1, 1), kpi_lights=[]
            ),
            L.GREEN,
        )

    def test_it_is_grey_without_anything(self):
        self.assertEqual(
            L.task_light(report_status=None, deadline=None, as_of=dt.date(2018, 1, 1), kpi_lights=[L.GREY]),
            L.GREY,
        )

    def test_it_averages_for_objectives(self):
        self.assertEqual(L.mean([L.GREEN, L.GREEN, L.RED]), L.AMBER)  # 4/3
        self.assertEqual(L.mean([L.GREEN, L.GREEN, L.GREEN, L.RED]), L.GREEN)  # 1.5
        self.assertEqual(L.mean([L.RED, L.RED, L.AMBER]), L.RED)  # 1/3
        self.assertEqual(L.mean([L.GREY]), L.GREY)

    def test_it_lights_the_rank(self):
        self.assertEqual(L.rank_light(rank=18, target_rank=20, year=2018, target_year=2020), L.GREEN)
        self.assertEqual(L.rank_light(rank=34, target_rank=20, year=2018, target_year=2020), L.AMBER)
        self.assertEqual(L.rank_light(rank=34, target_rank=20, year=2020, target_year=2020), L.RED)
        self.assertEqual(L.rank_light(rank=None, target_rank=20, year=None, target_year=2020), L.GREY)
