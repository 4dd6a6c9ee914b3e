"""A recommendation's steps as a whole: every (state, step) pair.

The expected matrix is written from docs/program.md ("A recommendation's steps"), not read from the
services' table: while open (sent, assigned, escalated, answered) the department may answer, assign,
escalate, comment or close; a closed one takes only publish and unpublish; publishing needs an answer;
answer, assign, escalate and comment need a text, assign an agency. A refused step raises the one
refusal type (``chiso.lib.refusal.Refused``, 400) and writes nothing."""

from __future__ import annotations

from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry, Notice
from chiso.program import services
from chiso.program.models import Recommendation, RecommendationStep

from .test_recommendations import RecommendationCase

OPEN = ["submitted", "assigned", "escalated", "answered"]
STATES = [*OPEN, "closed"]
ANSWERED = {"answered", "closed"}  # the states a recommendation can have an answer in
# step: (the states it is taken from, the state after it: None = the state stays)
DOCS = {
    "answer": (OPEN, "answered"),
    "assign": (OPEN, "assigned"),
    "escalate": (OPEN, "escalated"),
    "comment": (OPEN, None),
    "close": (OPEN, "closed"),
    "publish": (["answered", "closed"], None),  # needs an answer
    "unpublish": (STATES, None),
}
NEEDS_TEXT = ["answer", "assign", "escalate", "comment"]


class RecommendationStepsTableTestCase(RecommendationCase):
    def put(self, state: str, *, answered: bool = True) -> None:
        Recommendation.objects.filter(pk=self.rec.pk).update(
            status=state, answer="Đã trả lời" if answered and state in ANSWERED else "", is_public=False
        )

    def act(self, action: str, **kw) -> Recommendation:
        kw.setdefault("text", "Nội dung xử lý")
        kw.setdefault("assigned_to", self.b)
        return services.act_on_recommendation(self.rec.pk, audit.Actor(user=self.officer), action, **kw)

    def written(self) -> tuple[int, int, int]:
        return (
            RecommendationStep.objects.filter(recommendation=self.rec).count(),
            AuditEntry.objects.filter(
                action__startswith="recommendation.", target_id=str(self.rec.pk)
            ).count(),
            Notice.objects.count(),
        )

    def assert_refused(self, state: str, action: str, **kw) -> None:
        before = self.written()
        with self.assertRaises(Refused) as caught:
            self.act(action, **kw)
        self.assertEqual(caught.exception.status, 400)
        self.assertTrue(caught.exception.message)
        self.assertEqual(Recommendation.objects.get(pk=self.rec.pk).status, state)
        self.assertEqual(self.written(), before)

    def test_it_takes_every_step_the_docs_allow_and_refuses_every_other(self):
        for state in STATES:
            for action, (sources, after) in DOCS.items():
                with self.subTest(state=state, action=action):
                    self.put(state)
                    if state not in sources:
                        self.assert_refused(state, action)
                        continue
                    steps, audits, _notices = self.written()
                    rec = self.act(action)
                    self.assertEqual(rec.status, after or state)
                    self.assertEqual(Recommendation.objects.get(pk=rec.pk).status, after or state)
                    self.assertEqual(rec.is_public, action == "publish")
                    self.assertEqual(self.written()[:2], (steps + 1, audits + 1))
                    self.assertEqual(rec.steps.last().action, action)

    def test_it_refuses_to_publish_a_recommendation_closed_without_an_answer(self):
        self.put("closed", answered=False)
        self.assert_refused("closed", "publish")

    def test_it_refuses_a_blank_text_and_an_assignment_without_an_agency(self):
        for state in OPEN:
            for action in NEEDS_TEXT:
                with self.subTest(state=state, action=action):
                    self.put(state)
                    self.assert_refused(state, action, text="   ")
            with self.subTest(state=state, action="assign without an agency"):
                self.assert_refused(state, "assign", assigned_to=None)
        self.put("submitted")
        self.assertEqual(self.act("close", text="").status, "closed")

    def test_it_refuses_a_step_it_does_not_know(self):
        for action in ("submit", "delete", ""):
            with self.subTest(action=action):
                self.put("submitted")
                self.assert_refused("submitted", action)
