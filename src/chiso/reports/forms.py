from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.forms import VnDateField, date_widget

from .models import ReportJob


class DocumentFieldsForm(forms.Form):
    """What any document carries besides its figures: its number, its date and who signs it (the
    report request and the internal ranking's scorecards use this one form)."""

    number = forms.CharField(
        label=_("Số văn bản"),
        required=False,
        max_length=40,
        help_text=_("Ví dụ: 12 hoặc 12/BC-SKHCN. Để trống để văn thư ghi số khi ban hành."),
    )
    # The header (issuing body, place, recipients) is read for this date: chiso.orgs.issuers.
    date = VnDateField(label=_("Ngày văn bản (để trống: hôm nay)"), required=False, widget=date_widget())
    sign_authority = forms.CharField(label=_("Quyền hạn ký (KT., TL., …)"), required=False, max_length=60)
    sign_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=80)
    sign_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=120)

    SIGNER = ("sign_authority", "sign_title", "sign_name")

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Ngày văn bản không được ở tương lai."))
        return day

    def params(self) -> dict:
        d = self.cleaned_data
        out = {k: d[k].strip() for k in ("number", *self.SIGNER) if (d.get(k) or "").strip()}
        if d.get("date"):
            out["date"] = d["date"].isoformat()
        return out


class ReportForm(DocumentFieldsForm):
    field_order = [
        "kind", "framework_id", "year", "quarter", "date_from", "date_to",
        "number", "date", "sign_authority", "sign_title", "sign_name",
    ]
    # the reports requested here; the decision and scorecards are made from their round's pages
    kind = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=[(k, v) for k, v in ReportJob.Kind.choices if k in ("annual", "quarterly", "progress")],
    )
    framework_id = forms.ChoiceField(label=_("Bộ chỉ số (báo cáo năm)"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
    date_from = VnDateField(label=_("Từ ngày (báo cáo tiến độ)"), required=False, widget=date_widget())
    date_to = VnDateField(label=_("Đến ngày"), required=False, widget=date_widget())

    def __init__(self, *args, framework_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = [("", _("Mới nhất")), *framework_choices]
        self.fields["sign_title"].initial = "GIÁM ĐỐC"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReportJob.Kind.QUARTERLY and (not data.get("year") or not data.get("quarter")):
            raise forms.ValidationError(_("Báo cáo quý cần năm và quý."))
        if kind == ReportJob.Kind.PROGRESS:
            if not data.get("date_from") or not data.get("date_to"):
                raise forms.ValidationError(_("Báo cáo tiến độ cần từ ngày và đến ngày."))
            if data["date_from"] > data["date_to"]:
                raise forms.ValidationError(_("Từ ngày phải trước đến ngày."))
        return data

    def params(self) -> dict:
        d = self.cleaned_data
        out = super().params()
        if d["kind"] == ReportJob.Kind.ANNUAL:
            out.update(framework_id=d.get("framework_id") or "", year=d.get("year"))
        elif d["kind"] == ReportJob.Kind.QUARTERLY:
            out.update(year=d["year"], quarter=d["quarter"])
        else:
            out.update(date_from=d["date_from"].isoformat(), date_to=d["date_to"].isoformat())
        return out
