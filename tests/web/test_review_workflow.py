"""chiso.review.workflow: the one submit / approve / return service, on a collection form."""

from __future__ import annotations

from chiso.assessment import services as assessment
from chiso.assessment.models import Participant
from chiso.collection.models import Submission
from chiso.lib.refusal import Forbidden, Refused, Stale
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry
from chiso.review import workflow

from .base import BaseTestCase
from .test_assessment_base import AssessmentCase


class ReviewWorkflowTestCase(BaseTestCase):
    def actor(self, user):
        return audit.Actor(user=user)

    def test_it_steps_by_the_table_and_audits(self):
        sub = Submission.objects.get(pk=self.sub_a.pk)
        workflow.submit(sub, self.actor(self.anna))
        sub.refresh_from_db()
        self.assertEqual((sub.status, sub.version, sub.submitted_by), ("submitted", 1, self.anna))
        workflow.return_(sub, self.actor(self.officer), "  thiếu số liệu ")
        sub.refresh_from_db()
        self.assertEqual((sub.status, sub.version, sub.return_reason), ("returned", 2, "thiếu số liệu"))
        row = AuditEntry.objects.get(action="submission.return")
        self.assertEqual((row.before, row.after, row.reason), ({"status": "submitted"}, {"status": "returned"},
                                                               "thiếu số liệu"))
        workflow.submit(sub, self.actor(self.anna))
        workflow.approve(sub, self.actor(self.officer))
        sub.refresh_from_db()
        self.assertEqual((sub.status, sub.version, sub.return_reason, sub.decided_by),
                         ("approved", 4, "", self.officer))

    def test_it_refuses_a_step_the_state_does_not_allow(self):
        sub = Submission.objects.get(pk=self.sub_a.pk)
        with self.assertRaises(Refused) as cm:
            workflow.approve(sub, self.actor(self.officer))
        self.assertEqual(cm.exception.status, 400)
        self.set_status(self.sub_a, "approved")
        sub.refresh_from_db()
        with self.assertRaises(Forbidden) as cm:
            workflow.submit(sub, self.actor(self.anna))
        self.assertEqual(cm.exception.status, 403)
        self.assertFalse(AuditEntry.objects.filter(action__startswith="submission.").exists())

    def test_it_refuses_a_stale_copy_without_select_for_update(self):
        mine = Submission.objects.get(pk=self.sub_a.pk)
        theirs = Submission.objects.get(pk=self.sub_a.pk)
        workflow.submit(theirs, self.actor(self.anna))
        workflow.return_(theirs, self.actor(self.officer), "sai")
        with self.assertRaises(Stale) as cm:  # mine still reads "draft", version 0
            workflow.submit(mine, self.actor(self.anna))
        self.assertEqual(cm.exception.status, 409)
        theirs.refresh_from_db()
        self.assertEqual((theirs.status, theirs.version), ("returned", 2))

    def test_it_requires_a_reason_to_return(self):
        sub = Submission.objects.get(pk=self.sub_a.pk)
        workflow.submit(sub, self.actor(self.anna))
        with self.assertRaises(Refused):
            workflow.return_(sub, self.actor(self.officer), "  ")
        sub.refresh_from_db()
        self.assertEqual(sub.status, "submitted")

    def test_a_failed_check_writes_nothing(self):
        sub = Submission.objects.get(pk=self.sub_a.pk)

        def check(obj):
            raise Refused("không")

        with self.assertRaises(Refused):
            workflow.submit(sub, self.actor(self.anna), check=check)
        sub.refresh_from_db()
        self.assertEqual((sub.status, sub.version), ("draft", 0))


class SelfAssessmentStepsTestCase(AssessmentCase):
    """The self-assessment steps through the same service with its own two-state table."""

    def test_it_submits_and_reopens_with_audit_and_version(self):
        self.fill(self.pa, self.alice, submit=False)
        p = assessment.submit(self.pa.pk, self.actor(self.anna))
        self.assertEqual((p.status, p.version, p.submitted_by), ("submitted", 1, self.anna))
        with self.assertRaises(Forbidden):  # submitted once: the table has no submit from "submitted"
            assessment.submit(self.pa.pk, self.actor(self.anna))
        with self.assertRaises(Refused) as cm:
            assessment.reopen(self.pa.pk, self.actor(self.officer), " ")
        self.assertEqual(cm.exception.errors, {"reason": "Bắt buộc."})
        p = assessment.reopen(self.pa.pk, self.actor(self.officer), "thiếu minh chứng")
        self.assertEqual((p.status, p.version), ("draft", 2))
        row = AuditEntry.objects.get(action="assessment_self.reopen")
        self.assertEqual((row.reason, row.before, row.after), ("thiếu minh chứng", {"status": "submitted"},
                                                               {"status": "draft"}))
        self.assertEqual(row.parent_id, str(self.pa.round_id))

    def test_a_stale_copy_is_refused(self):
        self.fill(self.pa, self.alice, submit=False)
        mine = Participant.objects.get(pk=self.pa.pk)
        assessment.submit(self.pa.pk, self.actor(self.anna))
        with self.assertRaises(Stale):
            workflow.reopen(mine, self.actor(self.officer), "cũ")  # mine: version 0, "draft"
        self.assertEqual(Participant.objects.get(pk=self.pa.pk).status, "submitted")
