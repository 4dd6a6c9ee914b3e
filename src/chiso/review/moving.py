"""The data migration that moved each app's evidence table into the one ``review.Evidence``: every row
copied with its stored file name (the files stay where they are on disk), then the old table dropped.
Used by ``collection/0002``, ``program/0005`` and ``assessment/0005``; reversible (the rows go back)."""

from __future__ import annotations

from django.db import migrations

FIELDS = ("file", "original_name", "content_type", "size", "sha256", "uploaded_at", "uploaded_by_id")


def move_evidence(app_label: str, model_name: str, owner_field: str, owner_model: str) -> migrations.RunPython:
    """``app_label.model_name`` (its owner in ``owner_field``, of model ``owner_model``) into
    ``review.Evidence`` and back."""

    def owner_type(apps):
        content_type = apps.get_model("contenttypes", "ContentType")
        return content_type.objects.get_or_create(app_label=app_label, model=owner_model)[0]

    def forward(apps, schema_editor):
        old, new = apps.get_model(app_label, model_name), apps.get_model("review", "Evidence")
        rows = list(old.objects.order_by("pk"))
        if not rows:
            return
        kind = owner_type(apps)
        new.objects.bulk_create(
            [new(owner_type=kind, owner_id=getattr(r, f"{owner_field}_id"), **{f: getattr(r, f) for f in FIELDS})
             for r in rows],
            batch_size=500,
        )

    def backward(apps, schema_editor):
        old, new = apps.get_model(app_label, model_name), apps.get_model("review", "Evidence")
        moved = new.objects.filter(owner_type=owner_type(apps)).order_by("pk")
        old.objects.bulk_create(
            [old(**{f"{owner_field}_id": r.owner_id}, **{f: getattr(r, f) for f in FIELDS}) for r in moved],
            batch_size=500,
        )
        moved.delete()

    return migrations.RunPython(forward, backward)
