from __future__ import annotations

from django.urls import path

from . import plan_views, views, whatif_views

urlpatterns = [
    path("ket-qua/", views.dashboard, name="results_dashboard"),
    path("ket-qua/lan-tinh/<id:pk>/", views.run_detail, name="results_run"),
    path("ket-qua/lan-tinh/<id:pk>/neu-thi/", whatif_views.whatif, name="results_whatif"),
    path("ket-qua/lan-tinh/<id:pk>/ke-hoach/", plan_views.plan_new, name="results_plan_new"),
    # a kept plan and its tasks read the program: chiso.program.views.plan_tasks (program/urls.py)
    path("ket-qua/tinh/", views.run_new, name="results_run_new"),
    path("ket-qua/bang/", views.tables, name="results_tables"),
    path("ket-qua/bang/<id:pk>/", views.table_detail, name="results_table"),
    path("ket-qua/nhap/", views.table_import, name="results_import"),
    path("ket-qua/nhap/xac-nhan/", views.table_import_confirm, name="results_import_confirm"),
    path("ket-qua/muc-tieu/<str:fw_id>/", views.goals, name="results_goals"),
    path("ket-qua/muc-tieu/<str:fw_id>/hang/", views.target_edit, name="results_target_edit"),
    path("ket-qua/muc-tieu/<str:fw_id>/moc/", views.goalposts_edit, name="results_goalposts_edit"),
]
