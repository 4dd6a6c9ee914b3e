"""The review workflow's models (see the package docstring).

``Reviewed`` is the abstract base of everything that is submitted, then approved or returned with a
reason: a collection form (``collection.Submission``) and a quarterly progress report
(``program.ProgressReport``). It holds the state, who and when submitted and decided, the reason of
a return and the row's ``version``, which ``chiso.review.workflow`` compares and bumps at each step.
A model that inherits it says three things the workflow cannot know: the prefix of its audit action
codes (``REVIEW_AUDIT``), the audit row's parent (``review_parent``) and the sentence that refuses a
step its state does not allow (``review_refused``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.lib.refusal import Forbidden, Refused


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi, chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Bị trả lại")


class Reviewed(models.Model):
    """Submit → approve / return with a reason; ``version`` grows by one at each change of the row."""

    Status = ReviewStatus

    status = models.CharField(_("trạng thái"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    # The steps this model allows (``chiso.review.workflow.REVIEW_STEPS`` unless a model says otherwise).
    REVIEW_STEPS: dict | None = None
    REVIEW_AUDIT = ""  # the audit codes' prefix: "submission" → "submission.submit", …
    # The model's sentences (gettext_lazy, with {status}) refusing a step its state does not allow.
    REVIEW_NOT_EDITABLE = _("Đang ở trạng thái “{status}”, không sửa được.")
    REVIEW_NOT_SUBMITTED = _("Chỉ phê duyệt hoặc trả lại được hồ sơ đã gửi (hiện: “{status}”).")

    class Meta:
        abstract = True

    @property
    def is_editable_status(self) -> bool:
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    def review_parent(self):
        """The audit row's parent (None: no parent)."""
        return None

    def review_refused(self, action: str) -> Refused:
        """The refusal of ``action`` in the current state: submitting what is not a draft or returned
        is ``Forbidden`` (the row is not editable: ``REVIEW_NOT_EDITABLE``); deciding on what is not
        submitted is ``Refused`` (``REVIEW_NOT_SUBMITTED``)."""
        status = self.get_status_display()
        if action == "submit":
            return Forbidden(str(self.REVIEW_NOT_EDITABLE).format(status=status))
        return Refused(str(self.REVIEW_NOT_SUBMITTED).format(status=status))
