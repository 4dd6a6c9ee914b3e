from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Agency


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, max_length=200)


class MatrixNodeForm(forms.Form):
    lead = forms.ModelMultipleChoiceField(
        label=_("Cơ quan chủ trì"), queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Agency.objects.exclude(kind=Agency.Kind.PROVINCE).order_by("kind", "name")
        self.fields["lead"].queryset = qs
        self.fields["support"].queryset = qs

    def clean(self):
        data = super().clean()
        both = set(data.get("lead") or []) & set(data.get("support") or [])
        if both:
            names = ", ".join(str(a) for a in both)
            raise forms.ValidationError(
                _("Một cơ quan không thể vừa chủ trì vừa phối hợp: {names}").format(names=names)
            )
        return data
