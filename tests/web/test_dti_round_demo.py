"""``setup_province … --demo`` opens a labelled DTI collection round in progress (QĐ 405, figures of
2025) with the matrix filled from the framework's data: the standing body's form approved with an
evidence file, Sở Nội vụ's submitted, Sở Tài chính's half entered; running again changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase, override_settings

from chiso.collection.models import Evidence, Round, Submission, Value
from chiso.orgs import provinces
from chiso.orgs.models import Responsibility

AS_OF = "2026-12-06"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Round, Submission, Value, Evidence, Responsibility)}


class DemoRoundTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="chiso-test-")
        cls._override = override_settings(PRIVATE_MEDIA_ROOT=Path(cls._media))
        cls._override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.out = io.StringIO()
        call_command("setup_province", "Ninh Bình", "--as-of", AS_OF, "--demo", stdout=cls.out)

    def test_a_labelled_round_is_open_on_the_day(self):
        rnd = Round.objects.get(framework_id=provinces.DEMO_ROUND_FRAMEWORK)
        self.assertEqual((rnd.year, rnd.quarter, rnd.is_demo), (2025, None, True))
        self.assertIn("minh họa", rnd.title)
        self.assertTrue(rnd.is_open(dt.date.fromisoformat(AS_OF)))
        self.assertIn(rnd.title, self.out.getvalue())

    def test_agencies_are_at_different_steps_and_every_value_is_labelled(self):
        rnd = Round.objects.get(framework_id=provinces.DEMO_ROUND_FRAMEWORK)
        state = {s.agency.name: s.status for s in rnd.submissions.select_related("agency")}
        self.assertEqual(state["Sở Khoa học và Công nghệ tỉnh Ninh Bình"], Submission.Status.APPROVED)
        self.assertEqual(state["Sở Nội vụ tỉnh Ninh Bình"], Submission.Status.SUBMITTED)
        self.assertEqual(state["Sở Tài chính tỉnh Ninh Bình"], Submission.Status.DRAFT)
        values = Value.objects.filter(submission__round=rnd)
        self.assertTrue(values.exists())
        self.assertFalse(values.exclude(comment=provinces.DEMO_COMMENT).exists())
        stc = rnd.submissions.get(agency__name="Sở Tài chính tỉnh Ninh Bình")
        self.assertGreater(stc.values.count(), 0)  # half entered
        ev = Evidence.objects.get()
        self.assertEqual(ev.value.submission.status, Submission.Status.APPROVED)
        self.assertIn(b"minh h", ev.file.open("rb").read())
        # the forms come from the matrix filled from the framework's data
        for sub in rnd.submissions.all():
            self.assertTrue(Responsibility.objects.filter(framework_id=rnd.framework_id, agency=sub.agency,
                                                          role="lead").exists())

    def test_running_twice_changes_nothing(self):
        before = counts()
        statuses = sorted(Submission.objects.values_list("pk", "status", "version"))
        out = io.StringIO()
        call_command("setup_province", "Ninh Bình", "--as-of", AS_OF, "--demo", stdout=out)
        self.assertEqual(counts(), before)
        self.assertEqual(sorted(Submission.objects.values_list("pk", "status", "version")), statuses)
        self.assertIn("0 dòng ma trận", out.getvalue())

    def test_the_department_sees_the_round_and_its_compilation(self):
        rnd = Round.objects.get(framework_id=provinces.DEMO_ROUND_FRAMEWORK)
        self.client.login(username="ninhbinh.quantri", password=provinces.DEMO_PASSWORD)
        r = self.client.get(f"/dot/{rnd.pk}/tong-hop/")
        self.assertContains(r, "DỮ LIỆU MINH HỌA")
        self.assertContains(r, "cấu trúc tạm, điểm từng chỉ số chưa công bố")
        self.assertContains(r, "minh-chung-minh-hoa.txt")
