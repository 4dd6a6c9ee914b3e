from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.orgs.models import Agency

from .models import ProgressReport, Recommendation, RecommendationStep


class ProgressForm(forms.Form):
    task_status = forms.ChoiceField(label=_("Tình hình thực hiện"), choices=ProgressReport.TaskStatus.choices)
    percent = forms.IntegerField(label=_("% hoàn thành"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("Kết quả, khó khăn"), widget=forms.Textarea(attrs={"rows": 6}),
                                required=False, max_length=10000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class FileForm(forms.Form):
    file = forms.FileField(label=_("Tệp"))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    document_number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    file = forms.FileField(label=_("Tệp kế hoạch"))


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Recommendation.Kind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    task = forms.TypedChoiceField(label=_("Nhiệm vụ liên quan"), coerce=int, required=False, empty_value=None)
    component = forms.ChoiceField(label=_("Chỉ số thành phần liên quan"), required=False)
    agency = forms.TypedChoiceField(label=_("Cơ quan gửi"), coerce=int)

    def __init__(self, *args, tasks=(), components=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", "—")] + [(t.number, str(t)) for t in tasks]
        self.fields["component"].choices = [("", "—")] + list(components)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]


ACTIONS = [(a, label) for a, label in RecommendationStep.Action.choices if a != "submit"]


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("Thao tác"), choices=ACTIONS)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                           max_length=10000)
    assigned_to = forms.ModelChoiceField(label=_("Giao cho cơ quan"), queryset=Agency.objects.all(), required=False)


class OccurrenceForm(forms.Form):
    done_on = forms.DateField(label=_("Ngày thực hiện"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    note = forms.CharField(label=_("Ghi nhận"), max_length=2000, required=False)
