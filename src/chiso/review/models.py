"""The review workflow's models (see the package docstring).

``Reviewed`` is the abstract base of everything that is submitted, then approved or returned with a
reason: a collection form (``collection.Submission``) and a quarterly progress report
(``program.ProgressReport``). It holds the state, who and when submitted and decided, the reason of
a return and the row's ``version``, which ``chiso.review.workflow`` compares and bumps at each step.
A model that inherits it says three things the workflow cannot know: the prefix of its audit action
codes (``REVIEW_AUDIT``), the audit row's parent (``review_parent``) and the sentence that refuses a
step its state does not allow (``review_refused``).

``Evidence`` is the one table of evidence files, whatever they support (a generic owner); an app
sees its own through a proxy (``collection.Evidence``, ``program.ProgressEvidence``,
``assessment.EvidenceFile``) whose manager keeps to its owner type and which names the owner as the
app did (``value``, ``report``, ``entry``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.refusal import Forbidden, Refused

from .storage import private_storage, random_name


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


# --- evidence ------------------------------------------------------------------------------------


def _evidence_path(instance, filename) -> str:
    # Under the owner's app ("program/…", "assessment/…"; a form's values at the top, as before).
    app = instance.owner_type.app_label if instance.owner_type_id else ""
    return random_name("" if app in ("", "collection") else f"{app}/")


class Evidence(models.Model):
    """An evidence file of anything reviewed — a form's value, a progress report, a self-assessment's
    entry (the owner, generic) — stored privately and served only to who may read its owner.

    Owners reach theirs through a ``GenericRelation`` (``value.evidence``, ``report.evidence``,
    ``entry.files``), which also deletes them with the owner; ``chiso.review.evidence`` adds and
    removes them, ``chiso.review.views`` serves them."""

    owner_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")

    @property
    def cache_namespace(self) -> str:
        """The app whose pages show this file (its owner's): a change of it renders them afresh."""
        return ContentType.objects.get_for_id(self.owner_type_id).app_label
    file = models.FileField(storage=private_storage, upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="review_evidence_owner")]
        verbose_name = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class OwnedEvidenceManager(models.Manager):
    """The evidence of one kind of owner (``OWNER_MODEL`` of the proxy, ``"app.model"``)."""

    def get_queryset(self):
        owner_type = ContentType.objects.get_by_natural_key(*self.model.OWNER_MODEL.split("."))  # cached
        return super().get_queryset().filter(owner_type=owner_type)


def owner_alias() -> property:
    """The owner under an app's own name (``Evidence(value=…)``, ``ev.report``)."""
    return property(lambda self: self.owner, lambda self, obj: setattr(self, "owner", obj))


def evidence_relation(related_query_name: str) -> GenericRelation:
    """The owner's side: ``<owner>.<field>.all()``, ``Evidence.objects.filter(<related_query_name>__…)``,
    and the evidence deleted with its owner."""
    return GenericRelation(
        Evidence, content_type_field="owner_type", object_id_field="owner_id", related_query_name=related_query_name
    )
