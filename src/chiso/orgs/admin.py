from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Agency, AuditEntry, Membership, NoticePreference, Responsibility, Unit

admin.site.register(Unit)
admin.site.register(Agency)
admin.site.register(Membership)
admin.site.register(Responsibility)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("time", "user_name", "action", "object_repr")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


class NoticePreferenceInline(admin.StackedInline):
    """On the user's admin page: which notices also come by e-mail (the user chooses at /thong-bao/cai-dat/)."""

    model = NoticePreference
    can_delete = False
    max_num = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ChisoUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, NoticePreferenceInline]
