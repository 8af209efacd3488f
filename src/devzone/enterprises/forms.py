"""Forms for the enterprise registry pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors as core_selectors
from devzone.core.models import Region, Zone
from devzone.enterprises.models import Enterprise, Industry
from devzone.web.forms import StyledFormMixin

FLAG_CHOICES = [(name, Enterprise._meta.get_field(name).verbose_name) for name in Enterprise.FLAG_FIELDS]


class EnterpriseFilterForm(StyledFormMixin, forms.Form):
    compact = True

    q = forms.CharField(label=_("Name or credit code"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=Zone.objects.none(),
                                  empty_label=_("All"))
    industry = forms.ChoiceField(label=_("industry"), required=False)
    size = forms.ChoiceField(label=_("size"), required=False, choices=[("", _("All")), *Enterprise.Size.choices])
    flag = forms.MultipleChoiceField(label=_("flags"), required=False, choices=FLAG_CHOICES,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        divisions = Industry.objects.filter(code__regex=r"^[A-Z]?\d{2}$").order_by("code")
        self.fields["industry"].choices = [("", _("All"))] + [(i.code, str(i)) for i in divisions]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        for key in ("region", "zone"):
            if data.get(key):
                data[key] = data[key].pk
        return data


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "region", "zone", "industry", "size", "legal_representative", "address",
                  "phone", "established_on", "production_start_year", "stats_status", "ladder_stage",
                  *Enterprise.FLAG_FIELDS]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].validators = []  # the service checks it and says what is wrong
        self.fields["region"].queryset = core_selectors.region_list(user=user).filter(
            level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP])
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["industry"].queryset = Industry.objects.order_by("code")
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}
