from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "chiso.assessment"
    label = "assessment"
    verbose_name = _("Xếp hạng nội bộ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from chiso.lib import waiting as home_waiting
        from chiso.lib.public import Section, register_section

        from . import documents, editions, public, waiting

        editions.register_source()  # a province's copy of an edition is found by its code, as a shipped one
        documents.register_kinds()  # the decision and the scorecards, written by the one report job

        register_section(
            Section(
                "internal_rankings", "assessment/_public.html", context=public.context, reads=public.READS
            ),
            before="programs",
        )
        home_waiting.register("assessment", waiting.waiting)  # the signed-in home page's waiting work
