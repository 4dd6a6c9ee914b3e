from __future__ import annotations

from django.contrib import admin

from .models import Agency, AuditEntry, Membership, Responsibility, Unit

admin.site.register(Unit)
admin.site.register(Agency)
admin.site.register(Membership)
admin.site.register(Responsibility)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("time", "user_name", "action", "object_repr")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
