from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.vn_format import format_date, parse_date, parse_number
from chiso.orgs.models import Agency

from .models import ProgressReport, Recommendation, RecommendationStep


class ProgressForm(forms.Form):
    task_status = forms.ChoiceField(label=_("Tình hình thực hiện"), choices=ProgressReport.TaskStatus.choices)
    percent = forms.IntegerField(label=_("% hoàn thành"), min_value=0, max_value=100)
    narrative = forms.CharField(
        label=_("Kết quả, khó khăn"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


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
    text = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Giao cho cơ quan"), queryset=Agency.objects.all(), required=False
    )


class OccurrenceForm(forms.Form):
    done_on = forms.DateField(
        label=_("Ngày thực hiện"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    note = forms.CharField(label=_("Ghi nhận"), max_length=2000, required=False)


# --- the department's edits of targets -------------------------------------------------------------


def _number(value: str | None) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_number(value)
    except ValueError:
        raise forms.ValidationError(
            _("“%(value)s” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 0,75)."),
            params={"value": value},
        ) from None


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Lý do thay đổi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": _("Phải ghi lý do thay đổi.")},
    )


class _AuditedEdit:
    """What the department's edit forms share: the program the edit belongs to and a reason that is
    more than blanks (it goes into the audit row)."""

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Phải ghi lý do thay đổi."))
        return reason


class KpiEditForm(_AuditedEdit, forms.Form):
    """Baseline, target, unit and due date of a KPI, with the reason of the change. Numbers and
    dates as written in Vietnam (0,75; 31/12/2020); ``version`` is the KPI's version when the form
    was rendered: a stale form is refused (services.update_kpi)."""

    baseline = forms.CharField(label=_("Giá trị gốc"), required=False, max_length=40)
    target = forms.CharField(label=_("Chỉ tiêu"), required=False, max_length=40)
    unit = forms.CharField(label=_("Đơn vị"), required=False, max_length=40)
    due_on = forms.CharField(label=_("Hạn đạt (dd/mm/yyyy)"), required=False, max_length=10)
    reason = _reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_baseline(self):
        return _number(self.cleaned_data.get("baseline"))

    def clean_target(self):
        return _number(self.cleaned_data.get("target"))

    def clean_unit(self):
        return (self.cleaned_data.get("unit") or "").strip()

    def clean_due_on(self):
        raw = (self.cleaned_data.get("due_on") or "").strip()
        if not raw:
            return None
        try:
            day = parse_date(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Ngày không hợp lệ: “%(value)s” (viết theo dạng dd/mm/yyyy, ví dụ 31/12/2020)."),
                params={"value": raw},
            ) from None
        if self.program is not None and day < self.program.starts_on:
            raise forms.ValidationError(
                _("Hạn đạt không được trước ngày bắt đầu chương trình (%(start)s)."),
                params={"start": format_date(self.program.starts_on)},
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("unit") == "%":
            for name in ("baseline", "target"):
                v = data.get(name)
                if v is not None and not 0 <= v <= 100:
                    self.add_error(name, _("Đơn vị là %: giá trị phải từ 0 đến 100."))
        return data


class ObjectiveEditForm(_AuditedEdit, forms.Form):
    """The target of a specific objective: the rank to reach and the year to reach it by."""

    target_rank = forms.IntegerField(
        label=_("Thứ hạng mục tiêu"),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Phải nhập thứ hạng mục tiêu."),
            "invalid": _("Thứ hạng phải là số nguyên."),
            "min_value": _("Thứ hạng phải từ 1 trở lên."),
            "max_value": _("Thứ hạng không quá 100."),
        },
    )
    target_year = forms.IntegerField(
        label=_("Năm đạt mục tiêu"),
        error_messages={"required": _("Phải nhập năm đạt mục tiêu."), "invalid": _("Năm phải là số nguyên.")},
    )
    reason = _reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_target_year(self):
        year = self.cleaned_data.get("target_year")
        if (
            year is not None
            and self.program is not None
            and not (self.program.starts_on.year <= year <= self.program.ends_on.year + 5)
        ):
            raise forms.ValidationError(
                _("Năm đạt mục tiêu phải từ %(a)s đến %(b)s."),
                params={"a": self.program.starts_on.year, "b": self.program.ends_on.year + 5},
            )
        return year


# --- publication of an index edition ------------------------------------------------------------


class PublicationForm(forms.Form):
    """ "The index for year Y was published on date D" (the department's manual entry)."""

    year = forms.IntegerField(
        label=_("Năm đánh giá của chỉ số"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Phải nhập năm đánh giá."),
            "invalid": _("Năm phải là số nguyên."),
            "min_value": _("Năm không hợp lệ."),
            "max_value": _("Năm không hợp lệ."),
        },
    )
    published_on = forms.CharField(
        label=_("Ngày công bố (dd/mm/yyyy)"),
        max_length=10,
        error_messages={"required": _("Phải nhập ngày công bố.")},
    )
    reference = forms.CharField(label=_("Văn bản, nguồn công bố"), max_length=300, required=False)

    def clean_published_on(self):
        raw = (self.cleaned_data.get("published_on") or "").strip()
        try:
            day = parse_date(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Ngày không hợp lệ: “%(value)s” (viết theo dạng dd/mm/yyyy, ví dụ 31/12/2020)."),
                params={"value": raw},
            ) from None
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày công bố không được sau hôm nay."))
        return day

    def clean(self):
        data = super().clean()
        year, day = data.get("year"), data.get("published_on")
        if year is not None and day is not None and day.year < year:
            self.add_error(
                "published_on",
                forms.ValidationError(
                    _("Kết quả năm %(year)s không thể công bố trước năm %(year)s."), params={"year": year}
                ),
            )
        return data
