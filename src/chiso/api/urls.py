from __future__ import annotations

from django.urls import path

from . import pages
from .views import api

urlpatterns = [
    path("api/", api.urls),
    path("khoa-api/", pages.tokens, name="api_tokens"),
    path("khoa-api/<id:pk>/thu-hoi/", pages.token_revoke, name="api_token_revoke"),
]
