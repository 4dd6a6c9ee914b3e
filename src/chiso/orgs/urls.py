from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("co-quan/", views.agencies, name="agencies"),
    path("ma-tran/", views.matrix_index, name="matrix_index"),
    path("ma-tran/<str:fw_id>/", views.matrix, name="matrix"),
    path("ma-tran/<str:fw_id>/<str:code>/", views.matrix_edit, name="matrix_edit"),
    path("thong-bao/", views.notices, name="notices"),
    path("thong-bao/da-doc/", views.notices_read, name="notices_read"),
]
