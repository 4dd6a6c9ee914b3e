from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chiso.lib import frameworks

from .models import PublishedTable


class ImportForm(forms.Form):
    framework_id = forms.ChoiceField(label=_("Bộ chỉ số"), choices=())
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2005, max_value=2100)
    title = forms.CharField(label=_("Tên bảng"), max_length=200)
    source = forms.CharField(label=_("Nguồn (văn bản, đường dẫn)"), max_length=1000)
    file = forms.FileField(label=_("Tệp (.xlsx hoặc .csv)"))

    def __init__(self, *args, confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = frameworks.framework_choices()
        if confirm:
            del self.fields["file"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        return f


class RunForm(forms.Form):
    table = forms.ModelChoiceField(queryset=PublishedTable.objects.none(), required=False)
    round = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        from chiso.collection.models import Round

        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = PublishedTable.objects.visible_to(user)
        self.fields["round"].queryset = Round.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if bool(data.get("table")) == bool(data.get("round")):
            raise forms.ValidationError(_("Chọn một bảng công bố hoặc một đợt thu thập."))
        return data
