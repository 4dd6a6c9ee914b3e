from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    name = "chiso.program"
    label = "program"
    verbose_name = _("Chương trình hành động")

    def ready(self):
        from chiso.results.services.published import after_publication

        after_publication(_schedule_after_publication)

        from chiso.lib import waiting as home_waiting

        from . import waiting

        home_waiting.register("program", waiting.waiting)  # the signed-in home page's waiting work


def _schedule_after_publication(table) -> None:
    """A published table recorded in chiso (``results.services.published.after_publication``, called on
    commit, never for a demonstration table) schedules the obligations "after each published index" of
    the programs on an edition of its index (``services.programs_of_family``) that are running on the
    day it is recorded (unless the department entered the publication date, which wins:
    services.publications)."""
    from . import services

    for program in services.programs_of_family(table.framework_id):
        services.sync_occurrences(program)
