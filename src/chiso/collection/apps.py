from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "chiso.collection"
    label = "collection"
    verbose_name = _("Thu thập số liệu")

    def ready(self):
        from chiso.lib import waiting as home_waiting

        from . import waiting

        home_waiting.register("collection", waiting.waiting)  # the signed-in home page's waiting work
