from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from chiso.lib.urls import ObjectIdConverter
from chiso.orgs import views as orgs_views
from chiso.site import public, rounds
from chiso.site.home import home

# Registered before the apps' URL modules are included below: they use <id:pk>.
register_converter(ObjectIdConverter, "id")

urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("chiso.orgs.urls")),
    # the dates of the rounds, over collection and internal rounds (the organisation pages' nav)
    path("to-chuc/dot/", rounds.org_rounds, name="org_rounds"),
    path("to-chuc/dot/thu-thap/<id:pk>/", rounds.org_collection_round, name="org_collection_round"),
    path("to-chuc/dot/noi-bo/<id:pk>/", rounds.org_internal_round, name="org_internal_round"),
    path("", include("chiso.collection.urls")),
    path("", include("chiso.results.urls")),
    path("", include("chiso.api.urls")),
    path("", include("chiso.reports.urls")),
    path("", include("chiso.program.urls")),
    path("xep-hang-noi-bo/", include("chiso.assessment.urls")),
    path("cong-khai/", public.public_page, name="public_page"),  # the sections: chiso.site.public
    # One sign-in page: the admin's own login form goes to it (same lockout, same counter).
    path("quan-tri/login/", orgs_views.admin_login, name="admin_login"),
    path("quan-tri/", admin.site.urls),
]

handler400 = "chiso.site.views.bad_request"
handler403 = "chiso.site.views.permission_denied"
handler404 = "chiso.site.views.page_not_found"
handler500 = "chiso.site.views.server_error"
