from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [path("ket-qua/", views.dashboard, name="results_dashboard")]
