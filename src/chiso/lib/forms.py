"""Form fields shared by every page: the site's one date field (dd/mm/yyyy, Vietnamese errors)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.lib.vn_format import parse_date


class VnDateField(forms.DateField):
    """dd/mm/yyyy (also dd-mm-yyyy and yyyy-mm-dd), with a Vietnamese error."""

    default_error_messages = {"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value


def date_widget():
    return forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10})
