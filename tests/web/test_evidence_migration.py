"""The move of the three evidence tables into review.Evidence (collection 0002, program 0005,
assessment 0005): a database at the previous state with evidence of all three kinds, migrated
forward, shows the same files with the same bytes; back and forward again keeps them."""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase, override_settings

from chiso.review.storage import private_storage

OLD = [("collection", "0001_initial"), ("program", "0004_kpi_source_help"), ("assessment", "0004_participant_version")]
KINDS = [("collection", "Evidence", "value", ""), ("program", "ProgressEvidence", "report", "program/"),
         ("assessment", "EvidenceFile", "entry", "assessment/")]


def _old_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    return MigrationExecutor(connection).loader.project_state(OLD).apps


def _make(model, made):
    """A row of a historical model with every required field filled (its foreign keys made too)."""
    key = model._meta.label_lower
    if key not in made:
        kw = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.has_default() or f.null:
                continue
            if f.is_relation:
                kw[f.name] = _make(f.related_model, made)
            elif isinstance(f, models.DateTimeField):
                kw[f.name] = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
            elif isinstance(f, models.DateField):
                kw[f.name] = dt.date(2025, 1, 1)
            elif isinstance(f, (models.IntegerField, models.FloatField, models.DecimalField)):
                kw[f.name] = 1
            elif isinstance(f, models.JSONField):
                kw[f.name] = {}
            else:
                kw[f.name] = f.choices[0][0] if f.choices else "x"
        made[key] = model.objects.create(**kw)
    return made[key]


class EvidenceMigrationTestCase(TransactionTestCase):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(PRIVATE_MEDIA_ROOT=Path(media))
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(call_command, "migrate", verbosity=0)  # the database ends at the latest state

    def current(self):
        from chiso.review.models import Evidence

        got = {}
        for ev in Evidence.objects.select_related("owner_type"):
            with ev.file.open("rb") as fh:
                got[(ev.owner_type.app_label, ev.owner_id, ev.original_name)] = (ev.file.name, fh.read())
        return got

    def test_it_moves_every_row_keeping_its_file(self):
        apps, storage, made, want = _old_apps(), private_storage(), {}, {}
        for app, name, fk, prefix in KINDS:
            old = apps.get_model(app, name)
            owner = _make(old._meta.get_field(fk).related_model, made)
            for i in range(2):
                data = f"{app} file {i}".encode()
                stored = storage.save(f"{prefix}2025/01/{app}{i}", ContentFile(data))
                old.objects.create(**{fk: owner}, file=stored, original_name=f"{app}-{i}.txt",
                                   content_type="text/plain", size=len(data), sha256="s" * 64)
                want[(app, owner.pk, f"{app}-{i}.txt")] = (stored, data)
        call_command("migrate", verbosity=0)
        self.assertEqual(self.current(), want)
        from chiso.assessment.models import EvidenceFile
        from chiso.collection.models import Evidence
        from chiso.program.models import ProgressEvidence

        self.assertEqual([m.objects.count() for m in (Evidence, ProgressEvidence, EvidenceFile)], [2, 2, 2])
        self.assertEqual(Evidence.objects.first().value.pk, made["collection.value"].pk)
        self.assertEqual(ProgressEvidence.objects.first().report.pk, made["program.progressreport"].pk)
        self.assertEqual(EvidenceFile.objects.first().entry.pk, made["assessment.entry"].pk)

        apps = _old_apps()  # and back: the rows return to the three tables
        counts = [apps.get_model(app, name).objects.count() for app, name, _fk, _p in KINDS]
        self.assertEqual(counts, [2, 2, 2])
        call_command("migrate", verbosity=0)
        self.assertEqual(self.current(), want)
