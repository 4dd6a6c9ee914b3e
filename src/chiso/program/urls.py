from __future__ import annotations

from django.urls import path

from . import transfer_views, views
from .views import plan_tasks

urlpatterns = [
    # a kept least-cost plan of results and its turning into the program's draft tasks
    path("ket-qua/ke-hoach/<id:pk>/", plan_tasks.plan_detail, name="results_plan"),
    path("ket-qua/ke-hoach/<id:pk>/giao-viec/", plan_tasks.plan_assign, name="results_plan_assign"),
    path("chuong-trinh/", views.programs, name="programs"),
    path("chuong-trinh/<id:pk>/", views.program_board, name="program"),
    path("chuong-trinh/<id:pk>/nhiem-vu/<id:number>/", views.task_detail, name="program_task"),
    path("chuong-trinh/<id:pk>/phan-cong/", views.duties, name="program_duties"),
    path("chuong-trinh/<id:pk>/ke-hoach/", views.plans, name="program_plans"),
    path("chuong-trinh/<id:pk>/dinh-ky/", views.obligations, name="program_obligations"),
    path("chuong-trinh/<id:pk>/qua-han/", views.overdue, name="program_overdue"),
    path("chuong-trinh/<id:pk>/qua-han/nhac-nho/", views.overdue_remind, name="program_remind"),
    path("chuong-trinh/<id:pk>/chi-tieu/<id:kpi_pk>/sua/", views.kpi_edit, name="kpi_edit"),
    path(
        "chuong-trinh/<id:pk>/muc-tieu/<id:objective_pk>/sua/", views.objective_edit, name="objective_edit"
    ),
    path("chuong-trinh/<id:pk>/cong-bo-chi-so/", views.publications, name="program_publications"),
    # writing a program in the app (soan: the department admin)
    path("chuong-trinh/moi/", views.program_new, name="program_new"),
    path("chuong-trinh/<id:pk>/soan/", views.program_write, name="program_write"),
    path("chuong-trinh/<id:pk>/soan/chuong-trinh/", views.program_edit, name="program_edit"),
    path("chuong-trinh/<id:pk>/soan/du-thao/ban-hanh/", views.drafts_issue, name="program_drafts_issue"),
    path("chuong-trinh/<id:pk>/soan/du-thao/bo/", views.drafts_discard, name="program_drafts_discard"),
    path("chuong-trinh/<id:pk>/soan/muc-tieu/moi/", views.objective_write, name="objective_new"),
    path("chuong-trinh/<id:pk>/soan/muc-tieu/<id:item>/", views.objective_write, name="objective_write"),
    path("chuong-trinh/<id:pk>/soan/nhiem-vu/moi/", views.task_write, name="task_new"),
    path("chuong-trinh/<id:pk>/soan/nhiem-vu/<id:item>/", views.task_write, name="task_write"),
    path("chuong-trinh/<id:pk>/soan/nhiem-vu/<id:task_pk>/chi-tieu/moi/", views.kpi_write, name="kpi_new"),
    path("chuong-trinh/<id:pk>/soan/chi-tieu/<id:item>/", views.kpi_write, name="kpi_write"),
    path("chuong-trinh/<id:pk>/soan/dinh-ky/moi/", views.obligation_write, name="obligation_new"),
    path("chuong-trinh/<id:pk>/soan/dinh-ky/<id:item>/", views.obligation_write, name="obligation_write"),
    path("chuong-trinh/<id:pk>/tien-do/", views.progress_list, name="progress_list"),
    path("chuong-trinh/<id:pk>/tien-do/mo/", views.progress_open, name="progress_open"),
    path("ke-hoach/<id:pk>/", views.plan_download, name="plan_download"),
    path("dinh-ky/<id:pk>/ghi-nhan/", views.occurrence_record, name="occurrence_record"),
    path("tien-do/<id:pk>/", views.progress_report, name="progress_report"),
    path("tien-do/<id:pk>/luu/", views.progress_save, name="progress_save"),
    path("tien-do/<id:pk>/gui/", views.progress_submit, name="progress_submit"),
    path("tien-do/<id:pk>/phe-duyet/", views.progress_approve, name="progress_approve"),
    path("tien-do/<id:pk>/tra-lai/", views.progress_return, name="progress_return"),
    path("tien-do/<id:pk>/minh-chung/", views.progress_evidence_upload, name="progress_evidence_upload"),
    path("tien-do/minh-chung/<id:pk>/", views.progress_evidence_download, name="progress_evidence"),
    path("kien-nghi/", views.recommendations, name="recommendations"),
    path("kien-nghi/xuat.xlsx", views.recommendations_xlsx, name="recommendations_xlsx"),
    path("kien-nghi/moi/", views.recommendation_new, name="recommendation_new"),
    path("kien-nghi/<id:pk>/", views.recommendation_detail, name="recommendation"),
    path("kien-nghi/<id:pk>/xu-ly/", views.recommendation_act, name="recommendation_act"),
    # program files (transfer_views): import (the department admin), export (who reads the program)
    path("chuong-trinh/nhap/", transfer_views.program_import, name="program_import"),
    path("chuong-trinh/<id:pk>/xuat.yaml", transfer_views.program_export_yaml, name="program_export_yaml"),
    path("chuong-trinh/<id:pk>/xuat.xlsx", transfer_views.program_export_xlsx, name="program_export_xlsx"),
]
