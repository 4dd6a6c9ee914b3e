from __future__ import annotations

from django.urls import path

from . import views, wording_views

urlpatterns = [
    path("bao-cao/", views.report_list, name="reports"),
    path("bao-cao/tao/", views.report_create, name="report_create"),
    path("bao-cao/<id:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<id:pk>/trang-thai/", views.report_status, name="report_status"),
    path("bao-cao/<id:pk>/tai/<str:fmt>/", views.report_download, name="report_download"),
    path("bao-cao/mau/", wording_views.wording_list, name="wording_list"),
    path("bao-cao/mau/<slug:kind>/", wording_views.wording_edit, name="wording_edit"),
    path("bao-cao/mau/<slug:kind>/tro-lai-mau-co-san/", wording_views.wording_restore, name="wording_restore"),
    path("bao-cao/mau/ban-nhap/<id:pk>/dung/", wording_views.wording_activate, name="wording_activate"),
]
