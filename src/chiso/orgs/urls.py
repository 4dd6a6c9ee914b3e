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
    path("thong-bao/cai-dat/", views.notice_settings, name="notice_settings"),
    # the department manages its organisation
    path("to-chuc/co-quan/", views.org_agencies, name="org_agencies"),
    path("to-chuc/co-quan/moi/", views.org_agency_new, name="org_agency_new"),
    path("to-chuc/co-quan/<id:pk>/", views.org_agency, name="org_agency"),
    path("to-chuc/co-quan/<id:pk>/doi-ten/", views.org_agency_rename, name="org_agency_rename"),
    path("to-chuc/co-quan/<id:pk>/ket-thuc/", views.org_agency_end, name="org_agency_end"),
    path("to-chuc/co-quan/<id:pk>/thuong-truc/", views.org_agency_standing, name="org_agency_standing"),
    path("to-chuc/nguoi-dung/", views.org_users, name="org_users"),
    path("to-chuc/nguoi-dung/moi/", views.org_user_new, name="org_user_new"),
    path("to-chuc/nguoi-dung/<id:pk>/", views.org_user, name="org_user"),
    path("to-chuc/nguoi-dung/<id:pk>/sua/", views.org_user_update, name="org_user_update"),
    path("to-chuc/nguoi-dung/<id:pk>/trang-thai/", views.org_user_active, name="org_user_active"),
    path("to-chuc/nguoi-dung/<id:pk>/vai-tro/", views.org_user_membership_add, name="org_user_membership_add"),
    path("to-chuc/nguoi-dung/<id:pk>/vai-tro/<id:mid>/bo/", views.org_user_membership_remove,
         name="org_user_membership_remove"),
    path("to-chuc/nguoi-dung/<id:pk>/mat-khau/", views.org_user_password, name="org_user_password"),
    path("to-chuc/don-vi/", views.org_units, name="org_units"),
    path("to-chuc/don-vi/<id:pk>/", views.org_unit, name="org_unit"),
    # the dates of the rounds (/to-chuc/dot/) span collection and assessment: chiso.site.rounds
]
