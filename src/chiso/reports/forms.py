from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.vn_format import parse_date

from .models import ReportJob


class VnDateField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError:
            raise forms.ValidationError(_("Nhập ngày dạng dd/mm/yyyy.")) from None


class ReportForm(forms.Form):
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
    date_from = VnDateField(label=_("Từ ngày (báo cáo tiến độ)"), required=False)
    date_to = VnDateField(label=_("Đến ngày"), required=False)
    number = forms.CharField(label=_("Số văn bản"), required=False, max_length=20)
    # The header (issuing body, place, recipients) is read for this date: chiso.orgs.issuers.
    date = VnDateField(label=_("Ngày văn bản (để trống: hôm nay)"), required=False)
    sign_authority = forms.CharField(label=_("Quyền hạn ký (KT., TL., …)"), required=False, max_length=60)
    sign_title = forms.CharField(
        label=_("Chức vụ người ký"), required=False, max_length=80, initial="GIÁM ĐỐC"
    )
    sign_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=120)

    def __init__(self, *args, framework_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = [("", _("Mới nhất")), *framework_choices]

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
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("Ngày văn bản không được ở tương lai."))
        return data

    def params(self) -> dict:
        d = self.cleaned_data
        out = {k: d[k] for k in ("number", "sign_authority", "sign_title", "sign_name") if d.get(k)}
        if d.get("date"):
            out["date"] = d["date"].isoformat()
        if d["kind"] == ReportJob.Kind.ANNUAL:
            out.update(framework_id=d.get("framework_id") or "", year=d.get("year"))
        elif d["kind"] == ReportJob.Kind.QUARTERLY:
            out.update(year=d["year"], quarter=d["quarter"])
        else:
            out.update(date_from=d["date_from"].isoformat(), date_to=d["date_to"].isoformat())
        return out
