from __future__ import annotations

from django.contrib import admin

from .models import Round, ValidationRule

admin.site.register(Round)
admin.site.register(ValidationRule)
