from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("bao-cao/", views.report_list, name="reports"),
    path("bao-cao/tao/", views.report_create, name="report_create"),
    path("bao-cao/<id:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<id:pk>/trang-thai/", views.report_status, name="report_status"),
    path("bao-cao/<id:pk>/tai/<str:fmt>/", views.report_download, name="report_download"),
]
