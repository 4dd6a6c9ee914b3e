from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chiso.lib.forms import TextField, VnDateField, date_widget
from chiso.orgs.models import Agency
from chiso.orgs.people import PersonChoiceField, with_agencies
from chiso.reports.forms import DocumentFieldsForm

from .models import InternalFramework, Tier


class RoundForm(forms.Form):
    framework = forms.ModelChoiceField(
        InternalFramework.objects.filter(kind=InternalFramework.Kind.INTERNAL), label=_("Bộ chỉ số")
    )
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    tier = forms.ChoiceField(label=_("Khối"), choices=Tier.choices)
    title = forms.CharField(label=_("Tên đợt"), max_length=300)
    opens_on = VnDateField(label=_("Ngày mở"), widget=date_widget())
    self_due_on = VnDateField(label=_("Hạn tự đánh giá"), widget=date_widget())
    appraisal_due_on = VnDateField(label=_("Hạn thẩm định"), widget=date_widget())
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
    yaml_text = TextField(
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
    date = VnDateField(label=_("Ngày ký"), required=False, widget=date_widget())
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)


class DocumentForm(DocumentFieldsForm):
    """What a scorecard carries besides its figures (the one form of every document's number, date
    and signer)."""


class CouncilForm(forms.Form):
    user = PersonChoiceField(get_user_model().objects.none(), label=_("Người dùng"))
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
        self.fields["user"].queryset = with_agencies(
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        )
        self.fields["agencies"].queryset = Agency.objects.filter(assessments__round=rnd).order_by("name")

    def clean_codes(self):
        return [c.strip() for c in self.cleaned_data["codes"].split(",") if c.strip()]
