"""``load_province_ranking_demo``: today's province's internal ranking in progress, as labelled
demonstration data (issue 17, item 1): the departments round waits for the council's chair, the
communes round for the leadership's approval; dates relative to ``--as-of``; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone

from chiso.assessment.models import Participant, Round
from chiso.orgs.models import Agency

NAME = "Ninh Bình"  # the demo's province (Makefile ``run``): data of the test, not of the code


class LoadProvinceRankingDemoTests(TestCase):
    @classmethod
    def setUpClass(cls):
        media = cls.enterClassContext(tempfile.TemporaryDirectory(prefix="chiso-test-ranking-demo-"))
        cls.enterClassContext(override_settings(PRIVATE_MEDIA_ROOT=Path(media)))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        call_command("setup_province", NAME, "--as-of", cls.today.isoformat(), "--demo", verbosity=0)
        call_command("load_province_ranking_demo", NAME, "--as-of", cls.today.isoformat(), "--demo", verbosity=0)

    def home_items(self, username: str) -> list[str]:
        self.client.force_login(get_user_model().objects.get(username=username))
        page = self.client.get("/").content.decode()
        return page.split('id="waiting"')[1].split("</section>")[0]

    def test_two_labelled_rounds_at_the_council_s_and_the_leadership_s_step(self):
        so = Round.objects.get(tier="so")
        xa = Round.objects.get(tier="xa")
        self.assertEqual(so.status, Round.Status.COUNCIL)
        self.assertEqual(xa.status, Round.Status.APPROVAL)
        for rnd, days in ((so, 35), (xa, 42)):
            with self.subTest(rnd.tier):
                self.assertTrue(rnd.is_demo)
                self.assertTrue(rnd.title.endswith("(minh họa)"))
                self.assertIn("tỉnh Ninh Bình", rnd.title)
                self.assertNotIn("thị trấn", rnd.title)  # none after 01/07/2025
                self.assertEqual(rnd.opens_on, self.today - dt.timedelta(days=days))
                self.assertEqual(rnd.year, rnd.opens_on.year)
                # every deadline passed: nothing printed says a step is still open when it is not
                self.assertLess(rnd.answer_due_on, self.today)
                self.assertLess(rnd.self_due_on, rnd.appraisal_due_on)
                # a few units self-assessed and signed; every unit is the province's
                self.assertEqual(rnd.participants.filter(status=Participant.Status.SUBMITTED).count(), 4)
        # the departments round holds the province's departments only
        self.assertFalse(so.participants.exclude(agency__kind=Agency.Kind.DEPARTMENT).exists())
        self.assertTrue(all(n.endswith("Ninh Bình") for n in so.participants.values_list("agency__name", flat=True)))
        self.assertFalse(xa.participants.exclude(agency__kind=Agency.Kind.COMMUNE).exists())
        self.assertTrue(so.council.filter(is_chair=True, user__username="ninhbinh.hoidong.chutich").exists())

    def test_a_second_run_adds_nothing(self):
        before = (Round.objects.count(), Participant.objects.count(), get_user_model().objects.count())
        call_command("load_province_ranking_demo", NAME, "--as-of", self.today.isoformat(), "--demo", verbosity=0)
        self.assertEqual((Round.objects.count(), Participant.objects.count(),
                          get_user_model().objects.count()), before)  # fmt: skip

    def test_the_chair_and_the_leadership_see_their_step_on_the_home_page(self):
        so = Round.objects.get(tier="so")
        xa = Round.objects.get(tier="xa")
        chair = self.home_items("ninhbinh.hoidong.chutich")
        self.assertIn("Quyết định điểm cuối cùng và trình lãnh đạo phê duyệt", chair)
        self.assertIn(so.title, chair)
        self.assertNotIn(xa.title, chair)
        leader = self.home_items("ninhbinh.ubndtinh.lanhdao")
        self.assertIn("Phê duyệt kết quả xếp hạng", leader)
        self.assertIn(xa.title, leader)
        chair_user = get_user_model().objects.get(username="ninhbinh.hoidong.chutich")
        self.assertEqual((chair_user.first_name, chair_user.last_name), ("Chủ tịch Hội đồng thẩm định", "(minh họa)"))

    def test_demo_only_and_a_province_not_set_up_is_refused_with_nothing_written(self):
        before = Round.objects.count()
        with self.assertRaises(CommandError):
            call_command("load_province_ranking_demo", NAME, "--as-of", self.today.isoformat(), verbosity=0)
        with self.assertRaises(CommandError) as ctx:
            call_command("load_province_ranking_demo", "Cà Mau", "--as-of", self.today.isoformat(), "--demo",
                         verbosity=0)
        self.assertIn("setup_province", str(ctx.exception))
        self.assertEqual(Round.objects.count(), before)
