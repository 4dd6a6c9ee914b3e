from __future__ import annotations

from django.contrib import admin

from .models import Duty, Kpi, Objective, Obligation, Program, Recommendation, Task

admin.site.register(Program)
admin.site.register(Objective)
admin.site.register(Task)
admin.site.register(Kpi)
admin.site.register(Duty)
admin.site.register(Obligation)
admin.site.register(Recommendation)
