from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chiso.api"
    label = "chiso_api"
    verbose_name = "API"
