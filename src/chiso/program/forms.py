from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.forms import TextField, UploadField, VnDateField, date_widget
from chiso.lib.vn_format import format_date, parse_date, parse_number
from chiso.orgs.models import Agency

from .models import Kpi, Objective, ProgressReport, Recommendation, RecommendationStep, Recurrence


class ProgressForm(forms.Form):
    task_status = forms.ChoiceField(label=_("Tình hình thực hiện"), choices=ProgressReport.TaskStatus.choices)
    percent = forms.IntegerField(
        label=_("% hoàn thành"), min_value=0, max_value=100,
        error_messages={key: _("Phần trăm hoàn thành phải là một số nguyên từ 0 đến 100 (không có phần thập phân).")
                        for key in ("invalid", "min_value", "max_value")},
    )
    narrative = TextField(
        label=_("Kết quả, khó khăn"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    reason = TextField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class FileForm(forms.Form):
    file = UploadField(label=_("Tệp"))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    document_number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    file = UploadField(label=_("Tệp kế hoạch"))


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Recommendation.Kind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    body = TextField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
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
    text = TextField(
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
    return TextField(
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


# --- writing a program in the app (the department admin) ---------------------------------------------
#
# The forms only read what was typed (dates dd/mm/yyyy, numbers 0,75) and offer the choices; the rules
# (periods, agencies in force, the framework's indicators) are the services' (services.save_*), whose
# refusals are put back on the fields.


def _change_fields(form, editing: bool):
    """``version`` (the row's when the page was drawn) and, when changing a row, the reason."""
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
    if editing:
        form.fields["reason"] = TextField(
            label=_("Lý do thay đổi"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=500,
            required=False,
            help_text=_("Bắt buộc khi có thay đổi; ghi vào nhật ký."),
        )


class _WriteForm(forms.Form):
    def __init__(self, *args, program=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        _change_fields(self, editing)


class ProgramForm(_WriteForm):
    title = forms.CharField(label=_("Tên chương trình, kế hoạch"), max_length=400)
    decision_number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=60)
    decision_date = VnDateField(label=_("Ngày ban hành"), widget=date_widget())
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    legal_grounds = TextField(
        label=_("Căn cứ ban hành"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    starts_on = VnDateField(label=_("Bắt đầu"), widget=date_widget())
    ends_on = VnDateField(label=_("Kết thúc"), widget=date_widget())
    framework_id = forms.ChoiceField(label=_("Bộ chỉ số hướng tới"))
    standing_body = forms.ModelChoiceField(label=_("Cơ quan thường trực"), queryset=Agency.objects.none())
    progress_due_days = forms.IntegerField(
        label=_("Hạn báo cáo tiến độ (số ngày sau cuối quý)"), min_value=0, max_value=90, initial=10
    )
    source = TextField(
        label=_("Nguồn (văn bản gốc)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    is_public = forms.BooleanField(label=_("Công khai trên trang công khai"), required=False, initial=False)

    def __init__(self, *args, framework_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = list(framework_choices)
        bodies = Agency.objects.filter(is_standing_body=True)
        if self.program is not None:
            bodies = bodies | Agency.objects.filter(pk=self.program.standing_body_id)
        self.fields["standing_body"].queryset = bodies.distinct().order_by("name")


class ObjectiveForm(_WriteForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=Objective.Kind.choices)
    text = TextField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    section = forms.CharField(label=_("Mục trong văn bản"), max_length=20, required=False)
    target_rank = forms.IntegerField(
        label=_("Thứ hạng mục tiêu (mục tiêu cụ thể)"),
        required=False,
        error_messages={"invalid": _("Thứ hạng phải là số nguyên.")},
    )
    target_year = forms.IntegerField(
        label=_("Năm đạt mục tiêu"), required=False, error_messages={"invalid": _("Năm phải là số nguyên.")}
    )


class TaskForm(_WriteForm):
    title = forms.CharField(label=_("Tên ngắn"), max_length=200)
    text = TextField(
        label=_("Nội dung như văn bản"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    section = forms.CharField(label=_("Mục trong văn bản"), max_length=20, required=False)
    objective = forms.ModelChoiceField(label=_("Mục tiêu"), queryset=Objective.objects.none(), required=False)
    lead_agency = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=Agency.objects.none())
    supporting_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    assignment_basis = forms.CharField(label=_("Căn cứ phân công"), max_length=300, required=False)
    deadline = VnDateField(label=_("Thời hạn"), required=False, widget=date_widget())
    recurrence = forms.ChoiceField(label=_("Tính chất"), choices=Recurrence.choices)
    components = forms.MultipleChoiceField(
        label=_("Chỉ số thành phần liên quan"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, agencies=None, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = self.program.objectives.all()
        for name in ("lead_agency", "supporting_agencies"):
            self.fields[name].queryset = agencies
        self.fields["components"].choices = list(components)


class KpiForm(_WriteForm):
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300)
    source = forms.ChoiceField(label=_("Nguồn số liệu thực tế"), choices=Kpi.Source.choices)
    indicator_code = forms.ChoiceField(label=_("Chỉ số của bộ chỉ số"), required=False)
    source_agency = forms.ModelChoiceField(
        label=_("Cơ quan cung cấp số liệu"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Để trống: trung bình các cơ quan có số liệu đã phê duyệt."),
    )
    unit = forms.CharField(label=_("Đơn vị"), max_length=40, required=False)
    baseline = forms.CharField(label=_("Giá trị gốc"), required=False, max_length=40)
    baseline_year = forms.IntegerField(label=_("Năm gốc"), required=False)
    target = forms.CharField(label=_("Chỉ tiêu"), required=False, max_length=40)
    target_basis = forms.CharField(label=_("Căn cứ chỉ tiêu"), max_length=300, required=False)
    direction = forms.TypedChoiceField(label=_("Chiều"), choices=Kpi.Direction.choices, coerce=int)
    due_on = VnDateField(label=_("Hạn đạt"), required=False, widget=date_widget())

    def __init__(self, *args, agencies=None, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = [("", "—")] + [
            (c, f"{c} — {label}") for c, label in indicators
        ]
        self.fields["source_agency"].queryset = agencies

    def clean_baseline(self):
        return _number(self.cleaned_data.get("baseline"))

    def clean_target(self):
        return _number(self.cleaned_data.get("target"))


class ObligationForm(_WriteForm):
    title = forms.CharField(label=_("Nhiệm vụ định kỳ"), max_length=300)
    section = forms.CharField(label=_("Mục trong văn bản"), max_length=20, required=False)
    agency = forms.ModelChoiceField(label=_("Cơ quan thực hiện"), queryset=Agency.objects.none())
    recurrence = forms.ChoiceField(
        label=_("Định kỳ"), choices=[c for c in Recurrence.choices if c[0] != Recurrence.NONE]
    )
    due_offset_days = forms.IntegerField(
        label=_("Hạn (số ngày sau cuối kỳ / sau ngày công bố)"), initial=0, required=False
    )
    schedule_note = forms.CharField(label=_("Ghi chú lịch"), max_length=300, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
