from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.vn_format import parse_date
from chiso.orgs.models import Agency

from .models import InternalFramework, Tier


class VnDateField(forms.DateField):
    """dd/mm/yyyy (also yyyy-mm-dd), with a Vietnamese error."""

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


def _date_widget():
    return forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10})


class RoundForm(forms.Form):
    framework = forms.ModelChoiceField(
        InternalFramework.objects.filter(kind=InternalFramework.Kind.INTERNAL), label=_("Bộ chỉ số")
    )
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    tier = forms.ChoiceField(label=_("Khối"), choices=Tier.choices)
    title = forms.CharField(label=_("Tên đợt"), max_length=300)
    opens_on = VnDateField(label=_("Ngày mở"), widget=_date_widget())
    self_due_on = VnDateField(label=_("Hạn tự đánh giá"), widget=_date_widget())
    appraisal_due_on = VnDateField(label=_("Hạn thẩm định"), widget=_date_widget())
    answer_days = forms.IntegerField(
        label=_("Số ngày đơn vị được giải trình sau khi nhận kết quả thẩm định"),
        initial=5,
        min_value=1,
        max_value=60,
    )

    def clean(self):
        d = super().clean()
        o, s, a = d.get("opens_on"), d.get("self_due_on"), d.get("appraisal_due_on")
        if o and s and a and not (o <= s <= a):
            raise forms.ValidationError(_("Phải có: ngày mở ≤ hạn tự đánh giá ≤ hạn thẩm định."))
        return d


class CopyForm(forms.Form):
    code = forms.CharField(label=_("Mã bộ chỉ số mới"), max_length=80)
    edition = forms.IntegerField(label=_("Năm áp dụng"), min_value=2000, max_value=2100)


class EditionCopyForm(forms.Form):
    """A province's own copy of a shipped index edition."""

    base = forms.ChoiceField(label=_("Sao từ bộ chỉ số"))
    code = forms.CharField(
        label=_("Mã bản của tỉnh"), max_length=80, help_text=_("Ví dụ: ninhbinh-dti-2024 (chữ thường, số, dấu -).")
    )
    edition = forms.IntegerField(
        label=_("Năm áp dụng"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Để trống: năm của bộ chỉ số gốc."),
    )

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].choices = editions


class YamlForm(forms.Form):
    yaml_text = forms.CharField(
        label=_("Nội dung YAML"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 110, "spellcheck": "false", "class": "yaml"}),
    )
    # the row's version the page was loaded with: a save from an older copy is refused (409)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Số, ký hiệu quyết định"),
        max_length=40,
        required=False,
        help_text=_("Ví dụ: 512/QĐ-UBND. Để trống khi còn là dự thảo."),
    )
    date = VnDateField(label=_("Ngày ký"), required=False, widget=_date_widget())
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)


class DocumentForm(forms.Form):
    """What a scorecard carries besides its figures: its number, its date and who signs it."""

    number = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=40,
        required=False,
        help_text=_("Ví dụ: 12 hoặc 12/TB-SKHCN. Để trống để văn thư ghi số khi ban hành."),
    )
    date = VnDateField(label=_("Ngày văn bản (để trống: hôm nay)"), required=False, widget=_date_widget())
    sign_authority = forms.CharField(label=_("Quyền hạn ký (KT., TL., …)"), max_length=60, required=False)
    sign_title = forms.CharField(label=_("Chức vụ người ký"), max_length=80, required=False)
    sign_name = forms.CharField(label=_("Họ tên người ký"), max_length=120, required=False)

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


class CouncilForm(forms.Form):
    user = forms.ModelChoiceField(get_user_model().objects.none(), label=_("Người dùng"))
    position = forms.CharField(label=_("Chức danh trong hội đồng"), max_length=120, initial="Thành viên")
    is_chair = forms.BooleanField(label=_("Chủ tịch hội đồng (quyết định điểm cuối cùng)"), required=False)
    agencies = forms.ModelMultipleChoiceField(
        Agency.objects.none(),
        label=_("Đơn vị thẩm định (để trống = tất cả)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = forms.CharField(
        label=_("Mã chỉ số thẩm định, cách nhau bởi dấu phẩy (để trống = tất cả)"),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, rnd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["agencies"].queryset = Agency.objects.filter(assessments__round=rnd).order_by("name")

    def clean_codes(self):
        return [c.strip() for c in self.cleaned_data["codes"].split(",") if c.strip()]
