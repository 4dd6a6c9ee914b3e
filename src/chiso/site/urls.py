from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve as static_serve
from django.urls import include, path, re_path
from django.views.i18n import set_language

from chiso.orgs import views as orgs_views

urlpatterns = [
    path("", orgs_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("chiso.orgs.urls")),
    path("", include("chiso.collection.urls")),
    path("", include("chiso.results.urls")),
    path("", include("chiso.api.urls")),
    path("", include("chiso.reports.urls")),
    path("", include("chiso.program.urls")),
    path("xep-hang-noi-bo/", include("chiso.assessment.urls")),
    path("quan-tri/", admin.site.urls),
]

if settings.SERVE_STATIC:
    # An intranet install may have no web server in front: serve our own files (no CDN).
    urlpatterns.append(
        re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True})
    )
