"""Forms for the matchmaking pages; the services validate and say what is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors as core_selectors
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Zone
from devzone.enterprises import selectors as enterprise_selectors
from devzone.finance import selectors
from devzone.finance.models import Bank, FinancingNeed, MatchEvent
from devzone.projects import selectors as project_selectors
from devzone.web.forms import StyledFormMixin

DATE = {"type": "date"}
ISO = "%Y-%m-%d"  # what <input type="date"> reads, whatever the locale


class NeedFilterForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("Applicant or purpose"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=Zone.objects.none(), empty_label=_("All"))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *FinancingNeed.Status.choices])
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        for key in ("region", "zone"):
            if data.get(key):
                data[key] = data[key].pk
        return data


class NeedForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FinancingNeed
        fields = ["enterprise", "project", "zone", "amount", "purpose", "term_months", "raised_on", "status", "note"]
        widgets = {"raised_on": forms.DateInput(attrs=DATE, format=ISO), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_selectors.enterprise_queryset(user=user).order_by("name")
        self.fields["project"].queryset = project_selectors.project_queryset(user=user).order_by("name")
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
            self.fields["enterprise"].disabled = self.fields["project"].disabled = True
        else:
            del self.fields["status"]
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}
        if self.instance.pk:
            data.pop("enterprise", None)
            data.pop("project", None)
        return data


class LoanForm(StyledFormMixin, forms.Form):
    bank = forms.ModelChoiceField(label=_("bank"), queryset=Bank.objects.none())
    event = forms.ModelChoiceField(label=_("matchmaking event"), required=False, queryset=MatchEvent.objects.none())
    amount = forms.DecimalField(label=_("amount granted"), max_digits=16, decimal_places=2)
    granted_on = forms.DateField(label=_("granted on"), widget=forms.DateInput(attrs=DATE, format=ISO))
    term_months = forms.IntegerField(label=_("term (months)"), required=False, min_value=1, max_value=360)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, need: FinancingNeed, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = Bank.objects.filter(active=True).order_by("name")
        self.fields["event"].queryset = need.events.order_by("-held_on")
        self.style_widgets()


class EventForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    bank_list = forms.ModelMultipleChoiceField(label=_("banks taking part"), required=False,
                                               queryset=Bank.objects.none(), widget=forms.CheckboxSelectMultiple)
    need_list = forms.ModelMultipleChoiceField(label=_("needs presented"), required=False,
                                               queryset=FinancingNeed.objects.none(),
                                               widget=forms.SelectMultiple(attrs={"size": 8}))

    class Meta:
        model = MatchEvent
        fields = ["title", "held_on", "region", "location", "note"]
        widgets = {"held_on": forms.DateInput(attrs=DATE, format=ISO), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            scope_for(user).region_q(""), level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by("path")
        self.fields["bank_list"].queryset = Bank.objects.filter(active=True).order_by("name")
        self.fields["need_list"].queryset = (selectors.need_queryset(user=user)
                                             .exclude(status=FinancingNeed.Status.WITHDRAWN).order_by("-raised_on"))
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
            self.fields["bank_list"].initial = list(self.instance.banks.all())
            self.fields["need_list"].initial = list(self.instance.needs.all())
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("updated_at", "bank_list", "need_list")}


class BankForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Bank
        fields = ["name", "kind", "contact", "phone", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class KpiForm(StyledFormMixin, forms.Form):
    compact = True
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs=DATE, format=ISO))
    year = forms.IntegerField(label=_("Needs raised in year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

