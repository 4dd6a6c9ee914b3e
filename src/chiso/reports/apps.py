from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "chiso.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        # The quarterly one-stop-shop figures are collected through an ordinary collection round of
        # a small framework shipped with this app; the web code finds it once it is registered.
        from .frameworks import register_all
        from .services import register_kinds

        register_all()
        register_kinds()
