from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.lib import frameworks
from chiso.lib.forms import TextField, UploadField

from .models import Round


class RoundForm(forms.ModelForm):
    framework_id = forms.ChoiceField(label=_("Bộ chỉ số"))

    class Meta:
        model = Round
        fields = ["framework_id", "title", "year", "quarter", "opens_on", "due_on", "locks_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "due_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "locks_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = frameworks.framework_choices()
        self.fields["quarter"].help_text = _("Để trống nếu thu thập theo năm.")

    def clean_quarter(self):
        q = self.cleaned_data.get("quarter")
        if q is not None and not 1 <= q <= 4:
            raise forms.ValidationError(_("Quý phải từ 1 đến 4."))
        return q

    def clean(self):
        data = super().clean()
        o, d, k = data.get("opens_on"), data.get("due_on"), data.get("locks_on")
        if o and d and k and not (o <= d <= k):
            raise forms.ValidationError(_("Phải có: ngày mở ≤ hạn gửi ≤ ngày khóa."))
        fw, y, q = data.get("framework_id"), data.get("year"), data.get("quarter")
        if fw and y and Round.objects.filter(framework_id=fw, year=y, quarter=q).exists():
            raise forms.ValidationError(_("Đã có đợt thu thập cho bộ chỉ số và kỳ này."))
        return data


class ReturnForm(forms.Form):
    reason = TextField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UploadForm(forms.Form):
    file = UploadField(label=_("Tệp Excel đã điền (.xlsx)"))


class EvidenceForm(forms.Form):
    file = UploadField(label=_("Tệp minh chứng"))
