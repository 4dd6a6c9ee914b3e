"""Issue 17: a new internal round does not rank every unit "1 · Yếu" before anything is entered.
A unit with no score (no self-assessment, no appraisal) has no rank, no band and no 0–1 result —
"chưa có số liệu" — on the board, the league table, its scorecard and in the documents; when some
units have data only they are ranked, and the page says how many are not yet.

The base round: three districts A, B, C, nothing entered. A's self-assessment (GOOD with evidence):
15 + 5 + 10 + 5 + 10 = 45 of 70 (the tag-only "econ" does not apply) = 0.642857…, band "Khá"
(0.5 ≤ r < 0.8)."""

from __future__ import annotations

import datetime as dt
import re

from chiso.assessment import documents
from chiso.assessment.models import Participant

from .test_assessment_base import AssessmentCase


def row_of(html: str, prefix: str, p) -> str:
    return re.search(rf'<tr id="{prefix}-{p.pk}".*?</tr>', html, re.S).group(0)


class NoDataTests(AssessmentCase):
    def board(self):
        self.login(self.admin)
        return self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/").content.decode()

    def league(self):
        self.login(self.admin)
        return self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/ket-qua/").content.decode()

    def test_a_new_round_ranks_nobody_and_gives_no_band(self):
        self.assertEqual(
            list(Participant.objects.filter(round=self.round).values_list("rank", "band")), [(None, "")] * 3
        )
        board, league = self.board(), self.league()
        for p in (self.pa, self.pb, self.pc):
            row = row_of(board, "unit", p)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            self.assertEqual(cells[0], "—")  # the rank
            self.assertIn("chưa có số liệu", row)
            self.assertNotIn("Yếu", row)
            lrow = row_of(league, "league", p)
            lcells = re.findall(r"<td[^>]*>(.*?)</td>", lrow, re.S)
            self.assertEqual(lcells[0], "—")
            self.assertEqual(lcells[2], "—")  # points: none yet, not 0
            self.assertIn("chưa có số liệu", lrow)
            self.assertNotIn("Yếu", lrow)
        self.assertIn("Xếp hạng 0/3 đơn vị đã có số liệu; 3 đơn vị chưa có số liệu nên chưa xếp hạng.", board)
        self.assertIn("Xếp hạng 0/3 đơn vị đã có số liệu; 3 đơn vị chưa có số liệu nên chưa xếp hạng.", league)
        # the unit's scorecard says so too, with no rank
        self.login(self.alice)
        card = self.client.get(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/bang-diem/").content.decode()
        self.assertIn("chưa có số liệu", card)
        self.assertNotIn("hạng 1", card)

    def test_only_units_with_data_are_ranked_and_the_page_counts_the_others(self):
        self.fill(self.pa, self.alice, submit=False)
        self.pa.refresh_from_db()
        self.assertEqual((self.pa.self_total, self.pa.max_points, self.pa.rank), (45.0, 70.0, 1.0))
        board, league = self.board(), self.league()
        sentence = "Xếp hạng 1/3 đơn vị đã có số liệu; 2 đơn vị chưa có số liệu nên chưa xếp hạng."
        self.assertIn(sentence, board)
        self.assertIn(sentence, league)
        a = row_of(board, "unit", self.pa)
        self.assertEqual(re.findall(r"<td[^>]*>(.*?)</td>", a, re.S)[0], "1")
        self.assertIn("Khá", a)
        self.assertIn("0,6429", a)  # 45/70
        for p in (self.pb, self.pc):
            row = row_of(board, "unit", p)
            self.assertEqual(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0], "—")
            self.assertIn("chưa có số liệu", row)
        # a unit kept out of the ranking is not counted among those waiting for data
        from chiso.assessment import services

        services.set_unit(self.pc.pk, self.actor(self.admin), tags="", excluded=True, reason="Mới thành lập")
        self.assertIn("Xếp hạng 1/2 đơn vị đã có số liệu; 1 đơn vị chưa có số liệu nên chưa xếp hạng.", self.board())

    def test_every_unit_with_data_ranked_says_nothing_more(self):
        self.fill(self.pa, self.alice, submit=False)
        self.fill(self.pb, self.bella, submit=False)
        self.fill(self.pc, self.admin, submit=False)
        self.assertNotIn("chưa có số liệu", self.board())
        self.assertNotIn('id="ranked-note"', self.league())

    def test_the_decision_prints_no_rank_for_a_unit_without_data(self):
        # a decision snapshot (as stored by the report job) with a unit that has no data and no rank
        self.to_published()
        snap = documents.decision_snapshot({"round_id": self.round.pk}, dt.date(2025, 3, 20))
        names = [u["name"] for u in snap["units"]]
        self.assertEqual(len(names), 3)
        without = next(u for u in snap["units"] if u["name"] == self.c.name)
        without.update(rank=None, has_data=False, ratio=None, band="chưa có số liệu")
        spec = documents.build_decision(snap, {})
        table = next(b for b in spec.blocks if getattr(b, "key", "") == "ket_qua")
        self.assertEqual(sorted(r[1] for r in table.rows), sorted([self.a.name, self.b.name]))
        self.assertTrue(all(r[0] is not None for r in table.rows))
        texts = [getattr(b, "text", "") for b in spec.blocks]
        self.assertIn(f"Đơn vị chưa có số liệu nên không xếp hạng: {self.c.name}.", texts)
        self.assertEqual(spec.context["so_xep_hang"], "2")
