"""Forms for the chain pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.chains.models import Chain, ChainLink, ChainSegment, Strength
from devzone.enterprises.models import Enterprise
from devzone.web.forms import StyledFormMixin


class GapFilterForm(StyledFormMixin, forms.Form):
    compact = True

    chain = forms.ModelChoiceField(label=_("industry chain"), required=False, queryset=Chain.objects.all(),
                                   empty_label=_("All"))
    strength = forms.ChoiceField(label=_("strength"), required=False,
                                 choices=[("", _("Weak and missing")), (Strength.MISSING, Strength.MISSING.label),
                                          (Strength.WEAK, Strength.WEAK.label)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("chain"):
            data["chain"] = data["chain"].pk
        return data


class ChainForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Chain
        fields = ["name", "description", "industry_codes", "leader_name", "leader_post", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}


class LinkForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    enterprise_codes = forms.CharField(
        label=_("local enterprises (one credit code per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}))

    class Meta:
        model = ChainLink
        fields = ["segment", "name", "industry_codes", "keywords", "key_link", "sort_order", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, chain: Chain, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = ChainSegment.objects.filter(chain=chain).order_by("sort_order")
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
            self.fields["enterprise_codes"].initial = "\n".join(
                self.instance.enterprises.order_by("name").values_list("credit_code", flat=True))
        self.style_widgets()

    def clean_enterprise_codes(self) -> list[Enterprise]:
        codes = [line.strip().upper() for line in self.cleaned_data["enterprise_codes"].splitlines() if line.strip()]
        found = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(_("Unknown credit codes: %s") % ", ".join(missing))
        return [found[code] for code in codes]

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("updated_at", "enterprise_codes")}
