from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("dot/", views.rounds, name="rounds"),
    path("dot/moi/", views.round_new, name="round_new"),
    path("dot/<id:pk>/", views.round_detail, name="round"),
    path("dot/<id:pk>/nhac-nho/", views.round_remind, name="round_remind"),
    path("dot/<id:pk>/tong-hop/", views.round_compilation, name="round_compilation"),
    path("dot/<id:pk>/tong-hop.xlsx", views.round_compilation_xlsx, name="round_compilation_xlsx"),
    path("dot/<id:pk>/minh-chung.zip", views.round_compilation_zip, name="round_compilation_zip"),
    path("bieu-mau/<id:pk>/", views.submission, name="submission"),
    path("bieu-mau/<id:pk>/luu/", views.submission_save, name="submission_save"),
    path("bieu-mau/<id:pk>/gui/", views.submission_submit, name="submission_submit"),
    path("bieu-mau/<id:pk>/phe-duyet/", views.submission_approve, name="submission_approve"),
    path("bieu-mau/<id:pk>/tra-lai/", views.submission_return, name="submission_return"),
    path("bieu-mau/<id:pk>/lich-su/", views.submission_history, name="submission_history"),
    path("bieu-mau/<id:pk>/mau.xlsx", views.template_download, name="template_download"),
    path("bieu-mau/<id:pk>/nhap-excel/", views.import_upload, name="import_upload"),
    path("bieu-mau/<id:pk>/nhap-excel/xac-nhan/", views.import_confirm, name="import_confirm"),
    path("bieu-mau/<id:pk>/chi-so/<str:code>/", views.value_save, name="value_save"),
    path("bieu-mau/<id:pk>/chi-so/<str:code>/lich-su/", views.value_history, name="value_history"),
    path("bieu-mau/<id:pk>/chi-so/<str:code>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("minh-chung/<id:pk>/", views.evidence_download, name="evidence_download"),
    path("minh-chung/<id:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
]
