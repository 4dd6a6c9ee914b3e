"""The round's steps as a whole: every (state, action) pair and every (role, action) pair.

The expected matrices are written from docs/assessment.md, not read from the services' table:
"The cycle" (self-assessment → appraisal → answers → council → approval → decision → published; the
leadership approves or returns to the council), the step URLs (`close_self`, `send_appraisal`,
`close_answers`, `to_approval`, `approve`, `return`, `publish`) and "Roles" (the department takes the
steps; the leadership approves or returns; the council's chair, like the department, submits for
approval). A step the state does not allow is refused with ``Refused`` (409) and writes nothing; a
step the user may not take is refused with ``Forbidden`` (a ``Refused``, 403)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chiso.assessment.models import Round
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs.models import AuditEntry

from .test_assessment_base import AssessmentCase

# action: (the state it starts from, the state it leads to) — docs/assessment.md, "The cycle"
CYCLE = {
    "close_self": ("self", "appraisal"),
    "send_appraisal": ("appraisal", "answer"),
    "close_answers": ("answer", "council"),
    "to_approval": ("council", "approval"),
    "approve": ("approval", "decision"),
    "return": ("approval", "council"),
    "publish": ("decision", "published"),
}
STATES = ["self", "appraisal", "answer", "council", "approval", "decision", "published"]

# who may take each step — docs/assessment.md, "Roles" and step 7
DEPARTMENT = {"close_self", "send_appraisal", "close_answers", "to_approval", "publish"}
MAY = {
    "admin": DEPARTMENT,
    "officer": DEPARTMENT,
    "leader": {"approve", "return"},
    "chair": {"to_approval"},
    "member": set(),
    "alice": set(),
    "anna": set(),
    "nobody": set(),
}


class RoundStepsTableTests(AssessmentCase):
    def put(self, state: str) -> None:
        """The round in ``state``, with every check of a step holding: the deadlines passed (sending
        the appraisal moves the answers' one), the decision's number and date entered."""
        past = timezone.localdate() - dt.timedelta(days=1)
        Round.objects.filter(pk=self.round.pk).update(
            status=state,
            self_due_on=past,
            answer_due_on=past,
            decision_number="86/QĐ-UBND",
            decision_date=past,
        )

    def who_may(self, action: str):
        return {"approve": self.leader, "return": self.leader, "to_approval": self.chair}.get(
            action, self.admin
        )

    def audits(self, action: str) -> int:
        return AuditEntry.objects.filter(
            action=f"assessment_round.{action}", target_id=str(self.round.pk)
        ).count()

    def test_it_takes_every_step_the_cycle_allows_and_refuses_every_other(self):
        for state in STATES:
            for action, (source, target) in CYCLE.items():
                with self.subTest(state=state, action=action):
                    self.put(state)
                    logged = self.audits(action)
                    if state == source:
                        rnd = self.step(action, self.who_may(action), reason="Lý do trả lại")
                        self.assertEqual(rnd.status, target)
                        self.assertEqual(Round.objects.get(pk=self.round.pk).status, target)
                        self.assertEqual(self.audits(action), logged + 1)
                    else:
                        with self.assertRaises(Refused) as caught:
                            self.step(action, self.who_may(action), reason="Lý do trả lại")
                        self.assertEqual(caught.exception.status, 409)
                        self.assertIn("không thực hiện được bước này", caught.exception.message)
                        self.assertEqual(Round.objects.get(pk=self.round.pk).status, state)
                        self.assertEqual(self.audits(action), logged)

    def test_it_lets_each_role_take_only_its_steps(self):
        for name, allowed in MAY.items():
            user = getattr(self, name)
            for action, (source, target) in CYCLE.items():
                with self.subTest(user=name, action=action):
                    self.put(source)
                    if action in allowed:
                        self.assertEqual(self.step(action, user, reason="Lý do").status, target)
                    else:
                        with self.assertRaises(Forbidden) as caught:
                            self.step(action, user, reason="Lý do")
                        self.assertIsInstance(caught.exception, Refused)
                        self.assertEqual(caught.exception.status, 403)
                        self.assertEqual(Round.objects.get(pk=self.round.pk).status, source)

    def test_it_refuses_an_unknown_step(self):
        with self.assertRaises(Refused) as caught:
            self.step("skip_to_the_end")
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.message, "Thao tác không hợp lệ.")
