from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site layer as an app of its own: it loads the deployment checks (``check --deploy``)."""

    name = "chiso.site"
    label = "chiso_site"
    verbose_name = _("Trang web")

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
