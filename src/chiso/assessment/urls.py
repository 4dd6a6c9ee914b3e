"""URLs of the internal ranking, mounted under /xep-hang-noi-bo/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="assessment_index"),
    path("bo-chi-so/", views.frameworks, name="assessment_frameworks"),
    path("bo-chi-so/nhap/", views.framework_import, name="assessment_framework_import"),
    path("bo-chi-so/sao-ban-cua-tinh/", views.framework_edition_copy, name="assessment_edition_copy"),
    path("bo-chi-so/<id:pk>/", views.framework_detail, name="assessment_framework"),
    path("bo-chi-so/<id:pk>/sao-chep/", views.framework_copy, name="assessment_framework_copy"),
    path("bo-chi-so/<id:pk>/sua/", views.framework_edit, name="assessment_framework_edit"),
    path("dot/moi/", views.round_new, name="assessment_round_new"),
    path("dot/<id:pk>/", views.round_detail, name="assessment_round"),
    path("dot/<id:pk>/buoc/<str:action>/", views.round_transition, name="assessment_transition"),
    path("dot/<id:pk>/hoi-dong/", views.council, name="assessment_council"),
    path("dot/<id:pk>/quyet-dinh/", views.decision, name="assessment_decision"),
    path("dot/<id:pk>/quyet-dinh.<str:fmt>", views.decision_file, name="assessment_decision_file"),
    path("dot/<id:pk>/ket-qua/", views.results, name="assessment_results"),
    path("dot/<id:pk>/ket-qua.xlsx", views.results_xlsx, name="assessment_results_xlsx"),
    path("dot/<id:pk>/bang-diem.<str:fmt>", views.scorecards_file, name="assessment_scorecards_file"),
    path("don-vi/<id:pk>/", views.unit_history, name="assessment_unit_history"),
    path("phieu/<id:pk>/", views.sheet, name="assessment_sheet"),
    path("phieu/<id:pk>/cai-dat/", views.unit_settings, name="assessment_unit_settings"),
    path("phieu/<id:pk>/rut-khoi-dot/", views.unit_remove, name="assessment_unit_remove"),
    path("phieu/<id:pk>/luu/", views.sheet_save, name="assessment_sheet_save"),
    path("phieu/<id:pk>/gui/", views.sheet_submit, name="assessment_sheet_submit"),
    path("phieu/<id:pk>/tra-lai/", views.sheet_reopen, name="assessment_sheet_reopen"),
    path("phieu/<id:pk>/tham-dinh/", views.sheet_appraise, name="assessment_sheet_appraise"),
    path("phieu/<id:pk>/giai-trinh/", views.sheet_answer, name="assessment_sheet_answer"),
    path("phieu/<id:pk>/hoi-dong/", views.sheet_final, name="assessment_sheet_final"),
    path("phieu/<id:pk>/bang-diem/", views.scorecard, name="assessment_scorecard"),
    path("phieu/<id:pk>/bang-diem.<str:fmt>", views.scorecard_file, name="assessment_scorecard_file"),
    path(
        "phieu/<id:pk>/chi-so/<str:code>/minh-chung/",
        views.evidence_upload,
        name="assessment_evidence_upload",
    ),
    path("phieu/<id:pk>/chi-so/<str:code>/van-ban/", views.document_add, name="assessment_document_add"),
    path("phieu/<id:pk>/chi-so/<str:code>/tinh-diem/", views.sheet_preview, name="assessment_preview"),
    path("phieu/<id:pk>/chi-so/<str:code>/luu/", views.entry_save, name="assessment_entry_save"),
    path("phieu/<id:pk>/chi-so/<str:code>/sua-doi/", views.revise, name="assessment_revise"),
    path("minh-chung/<id:pk>/", views.evidence_download, name="assessment_evidence"),
    path("minh-chung/<id:pk>/xoa/", views.evidence_delete, name="assessment_evidence_delete"),
    path("van-ban/<id:pk>/xoa/", views.document_delete, name="assessment_document_delete"),
]
