"""Issue 17: the answer window of an internal round waits only for the indicators whose score the
appraisal changed. A round of seven districts: A, B and C self-assess (the five indicators of the
district tier each), D1–D4 never do. The appraisal changes two of A's scores and one of B's, leaves
C's as they were, and gives D1 points on one indicator (D1 has no self-score to differ from).

By hand: changed = A {meetings 15 → 10, online 10 → 5} + B {plan 5 → 0} = 3 indicators in 2 units;
the four units that never self-assessed (4 × 5 indicators, appraised at 0 when the appraisal is
sent, D1's "portal" at 10) have nothing to answer. The old count took every unanswered indicator
whose appraised score was not equal to a self-score, NULL included: 4 × 5 + 3 = 23."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Entry, Participant, Round
from chiso.lib.refusal import Refused
from chiso.orgs.models import Agency

from .test_assessment_base import GOOD, AssessmentCase

NEVER = ("D1", "D2", "D3", "D4")


class AnswerWindowTests(AssessmentCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        prov = cls.a.unit
        for code in NEVER:
            Agency.objects.create(code=code, name=f"UBND huyện Dương {code}", kind="district", unit=prov)
        cls.rnd = cls.open_round(2025)
        cls.p = {p.agency.code: p for p in Participant.objects.filter(round=cls.rnd).select_related("agency")}

    # --- helpers ------------------------------------------------------------------------------------
    def self_assess(self, code):
        p = self.p[code]
        e = Entry.objects.get(participant=p, code="meetings")
        services.add_document(
            e.pk, self.actor(self.admin), number="12/TB-UBND", date="15/03/2025", summary="Thông báo kết luận"
        )
        services.save_self(p.pk, {c: (v, "") for c, v in GOOD.items()}, self.actor(self.admin))
        services.submit(p.pk, self.actor(self.admin))

    def go(self, action, **kw):
        admin = self.fresh(self.admin)
        return services.transition(self.rnd.pk, action, self.actor(admin), get_access(admin), **kw)

    def appraise(self, code, scores):
        services.appraise(self.p[code].pk, scores, self.actor(self.officer), get_access(self.fresh(self.officer)))

    def to_answers(self):
        for code in ("A", "B", "C"):
            self.self_assess(code)
        self.go("close_self", today=self.rnd.self_due_on + dt.timedelta(days=1))
        self.appraise("A", {"meetings": ("10", "Chỉ 2 cuộc họp có kết luận."), "online": ("5", "Số liệu chưa khớp.")})
        self.appraise("B", {"plan": ("0", "Chưa ban hành kế hoạch.")})
        self.appraise("C", {"chaired": ("5", "")})  # the same as its self-score: no change
        self.appraise("D1", {"portal": ("10", "Cổng có chuyên mục (Sở kiểm tra).")})
        self.go("send_appraisal")  # today: the window runs to today + 5

    def close_url(self):
        return f"/xep-hang-noi-bo/dot/{self.rnd.pk}/buoc/close_answers/"

    # --- tests --------------------------------------------------------------------------------------
    def test_closing_early_waits_only_for_changed_indicators_with_the_right_count(self):
        self.to_answers()
        due = f"{timezone.localdate() + dt.timedelta(days=5):%d/%m/%Y}"
        with self.assertRaises(Refused) as e:
            self.go("close_answers")
        self.assertEqual(
            e.exception.message,
            f"Chưa hết hạn giải trình ({due}) và còn 3 chỉ số có điểm thay đổi chưa được giải trình (2 đơn vị).",
        )
        # through the page: refused, the round stays in the answer step, the same sentence
        self.login(self.admin)
        r = self.client.post(self.close_url(), follow=True)
        self.assertContains(r, "còn 3 chỉ số có điểm thay đổi chưa được giải trình (2 đơn vị)")
        self.assertEqual(Round.objects.get(pk=self.rnd.pk).status, Round.Status.ANSWER)

        # A answers one of its two: 2 left, still in 2 units
        services.answer(self.p["A"].pk, {"meetings": "Đã bổ sung kết luận cuộc họp thứ ba."}, self.actor(self.anna))
        with self.assertRaises(Refused) as e:
            self.go("close_answers")
        self.assertIn("còn 2 chỉ số có điểm thay đổi chưa được giải trình (2 đơn vị)", e.exception.message)
        services.answer(self.p["A"].pk, {"online": "Số liệu theo Cổng dịch vụ công."}, self.actor(self.anna))
        with self.assertRaises(Refused) as e:
            self.go("close_answers")
        self.assertIn("còn 1 chỉ số có điểm thay đổi chưa được giải trình (1 đơn vị)", e.exception.message)

        # a unit that never self-assessed has nothing to answer, even where it was given points
        with self.assertRaises(Refused):
            services.answer(self.p["D1"].pk, {"portal": "Đồng ý."}, self.actor(self.admin))

        # B answers the last one: closing before the end of the window is allowed
        services.answer(self.p["B"].pk, {"plan": "Kế hoạch đang trình ký."}, self.actor(self.bella))
        self.assertEqual(self.client.post(self.close_url()).status_code, 302)
        rnd = Round.objects.get(pk=self.rnd.pk)
        self.assertEqual(rnd.status, Round.Status.COUNCIL)
        self.assertLess(timezone.localdate(), rnd.answer_due_on)  # closed early
        # the final scores start at the appraised ones
        self.assertEqual(Entry.objects.get(participant=self.p["A"], code="meetings").final_points, 10.0)

    def test_the_board_and_the_round_page_say_who_has_nothing_to_answer(self):
        self.to_answers()
        pending = services.pending_answers(self.rnd)
        self.assertEqual((pending.indicators, pending.units, pending.not_self_assessed), (3, 2, 4))
        # the cached counts of the board agree with the same definition
        counts = {
            c: (p.n_changed, p.n_answered) for c, p in ((c, Participant.objects.get(pk=p.pk)) for c, p in self.p.items())
        }
        self.assertEqual(counts["A"], (2, 0))
        self.assertEqual(counts["B"], (1, 0))
        self.assertEqual(counts["C"], (0, 0))
        self.assertEqual(counts["D1"], (0, 0))  # 10 points where it scored nothing itself: no change to answer
        self.login(self.admin)
        html = self.client.get(f"/xep-hang-noi-bo/dot/{self.rnd.pk}/").content.decode()
        self.assertIn("Còn 3 chỉ số có điểm thay đổi chưa được giải trình (2 đơn vị)", html)
        self.assertIn("4 đơn vị không tự đánh giá", html)
        for code in NEVER:
            row = re.search(rf'<tr id="unit-{self.p[code].pk}".*?</tr>', html, re.S).group(0)
            self.assertIn("không tự đánh giá", row)
        row_a = re.search(rf'<tr id="unit-{self.p["A"].pk}".*?</tr>', html, re.S).group(0)
        self.assertNotIn("không tự đánh giá", row_a)
        self.assertRegex(row_a, r'<td class="num">2</td><td class="num">0</td></tr>')
        # a unit officer does not see the department's count
        self.login(self.alice)
        self.assertNotIn("chưa được giải trình", self.client.get(f"/xep-hang-noi-bo/dot/{self.rnd.pk}/").content.decode())

    def test_when_every_changed_indicator_is_answered_the_page_says_it_can_close(self):
        self.to_answers()
        services.answer(
            self.p["A"].pk, {"meetings": "Giải trình 1.", "online": "Giải trình 2."}, self.actor(self.anna)
        )
        services.answer(self.p["B"].pk, {"plan": "Giải trình 3."}, self.actor(self.bella))
        self.login(self.admin)
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.rnd.pk}/")
        self.assertContains(r, "Mọi chỉ số có điểm thay đổi đã được giải trình: có thể kết thúc giải trình trước hạn.")

    def test_after_the_appraisal_is_sent_units_that_never_self_assessed_are_ranked_on_what_they_were_given(self):
        # before: D1–D4 have no data and no rank; A, B, C (45 points each) share rank 1
        for code in ("A", "B", "C"):
            self.self_assess(code)
        ranks = dict(Participant.objects.filter(round=self.rnd).values_list("agency__code", "rank"))
        self.assertEqual(ranks, {"A": 1, "B": 1, "C": 1, "D1": None, "D2": None, "D3": None, "D4": None})
        self.to_answers_after_self()
        # appraised: A 45 − 5 − 5 = 35, B 45 − 5 = 40, C 45, D1 10 (portal), D2–D4 0 (sent at 0)
        got = {
            c: (t, rk)
            for c, t, rk in Participant.objects.filter(round=self.rnd).values_list(
                "agency__code", "appraised_total", "rank"
            )
        }
        self.assertEqual(
            got,
            {"C": (45, 1), "B": (40, 2), "A": (35, 3), "D1": (10, 4), "D2": (0, 5), "D3": (0, 5), "D4": (0, 5)},
        )

    def to_answers_after_self(self):
        self.go("close_self", today=self.rnd.self_due_on + dt.timedelta(days=1))
        self.appraise("A", {"meetings": ("10", "Chỉ 2 cuộc họp có kết luận."), "online": ("5", "Số liệu chưa khớp.")})
        self.appraise("B", {"plan": ("0", "Chưa ban hành kế hoạch.")})
        self.appraise("D1", {"portal": ("10", "Cổng có chuyên mục (Sở kiểm tra).")})
        self.go("send_appraisal")
