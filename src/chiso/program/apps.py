from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    name = "chiso.program"
    label = "program"
    verbose_name = _("Chương trình hành động")

    def ready(self):
        from chiso.results.models import PublishedTable

        post_save.connect(
            _table_saved, sender=PublishedTable, dispatch_uid="program-schedule-after-publication"
        )


def _table_saved(sender, instance, created, **kwargs):
    """A published table imported into chiso schedules the obligations "after each published
    index" of the programs on an edition of its index (``services.programs_of_family``) that are
    running on the day it is recorded (unless the department entered the publication date, which
    wins: services.publications)."""
    if not created or instance.is_demo or kwargs.get("raw"):
        return
    from django.db import transaction

    from . import services

    def sync():
        for program in services.programs_of_family(instance.framework_id):
            services.sync_occurrences(program)

    transaction.on_commit(sync)
