"""Form fields shared by every page: the site's one date field (dd/mm/yyyy, Vietnamese errors), the
one multi-line text field (line breaks counted as the browser counts them) and the one file field
(an empty file named as such)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core import validators
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.lib import imports, problems
from chiso.lib.vn_format import format_number, parse_date


def one_line_ending(text: str) -> str:
    """Line breaks as one character each (``\\r\\n`` and ``\\r`` -> ``\\n``). A browser counts a line break
    as one character against a text area's ``maxlength`` but sends it as two (CRLF): a text the page
    accepted at the limit must not be refused as too long once it arrives."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _MaxLength(validators.MaxLengthValidator):
    """The length limit, said with the numbers in the reader's format ("10.000 ký tự")."""

    def __call__(self, value):
        n = len(value)
        if n > self.limit_value:
            lang = problems.active_language()
            raise forms.ValidationError(
                gettext("Nội dung dài tối đa {limit} ký tự (hiện có {n}).").format(
                    limit=format_number(self.limit_value, lang=lang), n=format_number(n, lang=lang)),
                code="max_length")


class TextField(forms.CharField):
    """Multi-line text (a text area): line breaks normalised (:func:`one_line_ending`) before the
    length is checked, so the limit is the one the browser showed (and is said in the reader's
    number format)."""

    widget = forms.Textarea

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [_MaxLength(v.limit_value) if type(v) is validators.MaxLengthValidator else v
                           for v in self.validators]

    def to_python(self, value):
        value = super().to_python(value)
        return one_line_ending(value) if isinstance(value, str) else value


class UploadField(forms.FileField):
    """A file to upload: a chosen file of 0 bytes is refused naming the file
    (:func:`chiso.lib.imports.empty_file_message`); no file chosen reads "Chưa chọn tệp."."""

    default_error_messages = {"required": _(imports.NO_FILE), "missing": _(imports.NO_FILE)}

    def to_python(self, data):
        if data not in self.empty_values and getattr(data, "name", None) and not getattr(data, "size", 1):
            raise forms.ValidationError(imports.empty_file_message(data.name), code="empty")
        return super().to_python(data)


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
