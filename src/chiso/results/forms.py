from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chiso.lib import frameworks, imports
from chiso.lib.forms import UploadField
from chiso.lib.vn_format import format_number, parse_number

from .models import PublishedTable
from .services import LO_OPTIONAL_RULES, GoalpostEntry


def _date_field(**kw):
    from chiso.lib.forms import VnDateField  # the site's dd/mm/yyyy field

    return VnDateField(widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10}), **kw)


class ImportForm(forms.Form):
    """The ministry's table as published: its framework, year, publication date (unit names are read
    as of that day: 63 provinces before 01/07/2025, 34 from then) and file.  Without the file
    (``confirm``) the form carries the same fields back with the upload's token."""

    framework_id = forms.ChoiceField(label=_("Bộ chỉ số"), choices=())
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2005, max_value=2100)
    published_on = _date_field(
        label=_("Ngày công bố"), required=False,
        help_text=_("Tên tỉnh được đọc theo đơn vị hành chính có hiệu lực ngày này (63 tỉnh trước 01/07/2025, "
                    "34 tỉnh từ ngày đó). Để trống: ngày 31/12 của năm đánh giá."))
    title = forms.CharField(label=_("Tên bảng"), max_length=200)
    source = forms.CharField(label=_("Nguồn (văn bản, đường dẫn)"), max_length=1000)
    file = UploadField(label=_("Tệp (.xlsx hoặc .csv)"))

    def __init__(self, *args, confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = frameworks.framework_choices()
        if confirm:
            del self.fields["file"]

    def mapping(self) -> dict[str, str]:
        """``{header as written: code, "rank:<code>" or ""}`` chosen for unknown headers (the preview's
        selects: ``map_header`` and ``map_code`` in pairs); headers left unchosen are not mapped."""
        if self.data is None or not hasattr(self.data, "getlist"):
            return {}
        heads, codes = self.data.getlist("map_header"), self.data.getlist("map_code")
        return {h[:300]: c[:100] for h, c in zip(heads[:200], codes[:200]) if h and c != "?"}

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(imports.too_large_message(f.size, settings.IMPORT_MAX_BYTES))
        return f


class RunForm(forms.Form):
    table = forms.ModelChoiceField(queryset=PublishedTable.objects.none(), required=False)
    round = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        from chiso.collection.models import Round

        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = PublishedTable.objects.visible_to(user)
        self.fields["round"].queryset = Round.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if bool(data.get("table")) == bool(data.get("round")):
            raise forms.ValidationError(_("Chọn một bảng công bố hoặc một đợt thu thập."))
        return data


class TargetForm(forms.Form):
    """The province's target rank for one framework edition: a whole number in 1..n."""

    rank = forms.CharField(label=_("Thứ hạng mục tiêu"), max_length=6)
    basis = forms.CharField(label=_("Căn cứ (văn bản)"), max_length=300, required=False)
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500, required=False)

    def __init__(self, *args, n_units: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.n_units = n_units

    def clean_rank(self):
        text = self.cleaned_data["rank"].strip()
        if not text.isdigit():
            raise forms.ValidationError(_("Thứ hạng phải là số nguyên dương, nhận được “{value}”.").format(value=text))
        rank = int(text)
        if rank < 1 or (self.n_units is not None and rank > self.n_units):
            raise forms.ValidationError(_("Thứ hạng phải từ 1 đến {n}, nhận được {value}.").format(
                n=self.n_units, value=rank) if self.n_units is not None else _("Thứ hạng phải từ 1 trở lên."))
        return rank


class GoalpostsForm(forms.Form):
    """Goalposts of every indicator of a framework that needs them: per indicator either
    "take from the last published edition" or a minimum (``lo``) and maximum (``hi``) entered by
    the department.  Numbers are read as a person types them ("0,71", "1.234,5")."""

    ENTERED, PUBLISHED = "entered", "published"

    source = forms.CharField(label=_("Nguồn của các mốc nhập mới"), max_length=300, required=False)
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500, required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.lo_optional = {n.code for n in self.indicators if n.scoring.rule in LO_OPTIONAL_RULES}
        mode_choices = [(self.ENTERED, _("Sở nhập")), (self.PUBLISHED, _("Lấy từ kỳ công bố gần nhất"))]
        for n in self.indicators:
            self.fields[f"mode_{n.code}"] = forms.ChoiceField(choices=mode_choices, widget=forms.RadioSelect,
                                                              initial=self.PUBLISHED)
            self.fields[f"lo_{n.code}"] = forms.CharField(required=False, max_length=40)
            self.fields[f"hi_{n.code}"] = forms.CharField(required=False, max_length=40)

    def rows(self):
        """``(node, mode field, lo field, hi field)`` per indicator, for the template."""
        return [(n, self[f"mode_{n.code}"], self[f"lo_{n.code}"], self[f"hi_{n.code}"]) for n in self.indicators]

    def _number(self, name: str) -> float | None:
        text = (self.data.get(self.add_prefix(name)) or "").strip()
        if not text:
            return None
        try:
            return parse_number(text)
        except ValueError:
            self.add_error(name, _("“{value}” không phải là số.").format(value=text))
            return None

    def clean(self):
        data = super().clean()
        entries = []
        for n in self.indicators:
            if data.get(f"mode_{n.code}") != self.ENTERED:
                entries.append(GoalpostEntry(n.code, entered=False))
                continue
            lo_name, hi_name = f"lo_{n.code}", f"hi_{n.code}"
            lo, hi = self._number(lo_name), self._number(hi_name)
            if lo_name in self.errors or hi_name in self.errors:
                continue
            if hi is None:
                self.add_error(hi_name, _("Nhập giá trị lớn nhất."))
                continue
            if lo is None and n.code not in self.lo_optional:
                self.add_error(lo_name, _("Nhập giá trị nhỏ nhất."))
                continue
            r_lo, r_hi = n.value_range
            bad = False
            for name, v in ((lo_name, lo), (hi_name, hi)):
                if v is not None and ((r_lo is not None and v < r_lo) or (r_hi is not None and v > r_hi)):
                    self.add_error(name, _("Giá trị {value} nằm ngoài khoảng [{lo}; {hi}].").format(
                        value=format_number(v), lo=format_number(r_lo) if r_lo is not None else "−∞",
                        hi=format_number(r_hi) if r_hi is not None else "+∞"))
                    bad = True
            if bad:
                continue
            if lo is not None and not lo < hi:
                self.add_error(lo_name, _("Giá trị nhỏ nhất ({lo}) phải nhỏ hơn giá trị lớn nhất ({hi}).").format(
                    lo=format_number(lo), hi=format_number(hi)))
                continue
            entries.append(GoalpostEntry(n.code, entered=True, lo=lo, hi=hi))
        data["entries"] = entries
        return data
