from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, Membership, NoticePreference, Unit


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

    def __init__(self, *args, current: list[int] | tuple[int, ...] = (), **kwargs):
        """The agencies offered: those in force today, and those already on the node (an ended body
        stays visible, and can be taken off, until the department changes it)."""
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        today = timezone.localdate()
        valid = Agency.objects.valid_on(today).values("pk")
        qs = (Agency.objects.exclude(kind=Agency.Kind.PROVINCE).filter(Q(pk__in=valid) | Q(pk__in=list(current)))
              .select_related("unit").order_by("kind", "name"))  # fmt: skip
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


# --- the department's organisation pages (chiso.orgs.services does the changes) --------------------------


def _date_field(label, required=True):
    from chiso.lib.forms import VnDateField  # the site's dd/mm/yyyy field

    return VnDateField(label=label, required=required,
                       widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10}))


def _wide():
    return forms.TextInput(attrs={"class": "wide"})


def _reason(required=True):
    return forms.CharField(label=_("Lý do, căn cứ"), max_length=500, required=required, widget=_wide())


class AgencyCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200, widget=_wide())
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    code = forms.CharField(
        label=_("Mã"), max_length=40, required=False, help_text=_("Để trống: tạo từ tên.")
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=Agency.Kind.choices)
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Unit.objects.none())
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    valid_from = _date_field(_("Hiệu lực từ"), required=False)
    reason = _reason(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["unit"].queryset = Unit.objects.valid_on(today).exclude(kind=Unit.Kind.COMMUNE)


class AgencyRenameForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200, widget=_wide())
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    reason = _reason(required=False)


class AgencyEndForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    ends_on = _date_field(_("Hết hiệu lực từ ngày"))
    successor = forms.ModelChoiceField(
        label=_("Cơ quan kế tục có sẵn"), queryset=Agency.objects.none(), required=False
    )
    new_successor_name = forms.CharField(
        label=_("hoặc tên cơ quan kế tục mới"), max_length=200, required=False, widget=_wide(),
        help_text=_("Cơ quan mới có hiệu lực từ ngày trên, cùng loại và địa bàn."),
    )
    transfer_standing = forms.BooleanField(
        label=_("Chuyển vai trò cơ quan thường trực cho cơ quan kế tục"), required=False
    )
    reason = _reason()

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Agency.objects.filter(valid_to__isnull=True).exclude(pk=agency.pk)
        if not agency.is_standing_body:
            del self.fields["transfer_standing"]


class StandingBodyForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    replace = forms.BooleanField(
        label=_("Bỏ vai trò thường trực của cơ quan đang giữ trong cùng thời gian"), required=False
    )
    reason = _reason()


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(
        label=_("Mật khẩu đầu tiên"), max_length=200, widget=forms.PasswordInput(render_value=False),
        help_text=_("Ít nhất 10 ký tự, không phải mật khẩu phổ biến. Báo riêng cho người dùng."),
    )
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=[("", "—"), *Membership.Role.choices], required=False)
    reason = _reason(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.valid_on(timezone.localdate())


class UserUpdateForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    reason = _reason(required=False)


class UserActiveForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    active = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = _reason(required=False)


class MembershipAddForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=Membership.Role.choices)
    reason = _reason(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.valid_on(timezone.localdate())


class MembershipRemoveForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    reason = _reason(required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu mới"), max_length=200, widget=forms.PasswordInput(render_value=False)
    )
    reason = _reason(required=False)


class UnitValidityForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    valid_from = _date_field(_("Hiệu lực từ"), required=False)
    valid_to = _date_field(_("Hết hiệu lực từ"), required=False)
    successor = forms.ModelChoiceField(label=_("Đơn vị kế tục"), queryset=Unit.objects.none(), required=False)
    reason = _reason()

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Unit.objects.filter(kind=unit.kind).exclude(pk=unit.pk)


class CollectionRoundDatesForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    opens_on = _date_field(_("Ngày mở"))
    due_on = _date_field(_("Hạn gửi"))
    locks_on = _date_field(_("Ngày khóa"))
    reason = _reason()


class InternalRoundDatesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    opens_on = _date_field(_("Ngày mở"))
    self_due_on = _date_field(_("Hạn tự đánh giá"))
    appraisal_due_on = _date_field(_("Hạn thẩm định"))
    answer_due_on = _date_field(_("Hạn giải trình"), required=False)
    reason = _reason()


class NoticePreferenceForm(forms.ModelForm):
    """The signed-in user's choice: which kinds of notices also come by e-mail, and their language."""

    class Meta:
        model = NoticePreference
        fields = ["language", "email_deadline", "email_returned", "email_request", "email_result"]
        error_messages = {"language": {"invalid_choice": _("Hãy chọn một ngôn ngữ trong danh sách.")}}
