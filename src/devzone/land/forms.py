"""Forms of the land pages; services do the checking and say what is wrong."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core import selectors as core_selectors
from devzone.core.models import Region, Zone
from devzone.land.models import DisposalAction, Parcel, ParcelDocument, QuotaAccount, StandardLandCondition
from devzone.web.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CATEGORY_CHOICES = [
    ("", _("All")), ("approved_not_expropriated", _("approved, not expropriated")),
    ("expropriated_not_supplied", _("expropriated, not supplied")), ("supplied_not_used", _("supplied, not used")),
    ("approved_not_used", _("approved, not used")), ("idle", _("idle land")),
]


def _years() -> list[tuple[int, int]]:
    year = timezone.localdate().year
    return [(y, y) for y in range(year + 1, year - 6, -1)]


class FiltersMixin:
    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [], False)}
        for key in ("region", "zone"):
            if data.get(key):
                data[key] = data[key].pk
        if data.get("as_of"):
            data["as_of"] = data["as_of"].isoformat()
        return data


class AccountFilterForm(FiltersMixin, StyledFormMixin, forms.Form):
    compact = True
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    unit = forms.ChoiceField(label=pgettext_lazy("land", "unit"), required=False,
                             choices=[("", _("All")), ("county", _("counties")), ("zone", _("zones"))])

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *_years()]
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.style_widgets()


class GrantForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("year"), coerce=int)
    region = forms.ModelChoiceField(label=_("county"), required=False, queryset=Region.objects.none())
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=Zone.objects.none())
    area_mu = forms.DecimalField(label=_("area (mu)"), max_digits=12, decimal_places=2)
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.style_widgets()


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: QuotaAccount) -> str:
        return f"{obj.year} {obj.unit_name}"


class TransferForm(StyledFormMixin, forms.Form):
    source = AccountChoiceField(label=pgettext_lazy("land", "from"), queryset=QuotaAccount.objects.none())
    target = AccountChoiceField(label=pgettext_lazy("land", "to"), queryset=QuotaAccount.objects.none())
    area_mu = forms.DecimalField(label=_("area (mu)"), max_digits=12, decimal_places=2)
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    price_per_mu = forms.DecimalField(label=_("price (10k yuan/mu)"), required=False, max_digits=12,
                                      decimal_places=2, help_text=_("Fill in for a paid swap."))
    total_price = forms.DecimalField(label=_("total price (10k yuan)"), required=False, max_digits=16,
                                     decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, accounts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = accounts
        self.fields["target"].queryset = accounts
        self.style_widgets()


class AllocationForm(StyledFormMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=None)
    area_mu = forms.DecimalField(label=_("area (mu)"), max_digits=12, decimal_places=2)
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.style_widgets()


class ProposalForm(StyledFormMixin, forms.Form):
    compact = True
    year = forms.TypedChoiceField(label=_("year of signed projects"), coerce=int)
    total_mu = forms.DecimalField(label=_("quota to share (mu)"), max_digits=12, decimal_places=2,
                                  min_value=Decimal("0"))
    weight_count = forms.DecimalField(label=_("weight: signed projects"), max_digits=5, decimal_places=2,
                                      min_value=Decimal("0"))
    weight_amount = forms.DecimalField(label=_("weight: agreed investment"), max_digits=5, decimal_places=2,
                                       min_value=Decimal("0"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.style_widgets()


class ParcelFilterForm(FiltersMixin, StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("Code or location"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=Zone.objects.none(), empty_label=_("All"))
    use = forms.ChoiceField(label=_("land use"), required=False, choices=[("", _("All")), *Parcel.Use.choices])
    state = forms.ChoiceField(label=_("state"), required=False, choices=[("", _("All")), *Parcel.State.choices])
    category = forms.ChoiceField(label=pgettext_lazy("land", "problem"), required=False, choices=CATEGORY_CHOICES)
    standard = forms.BooleanField(label=_("standard land"), required=False)
    as_of = forms.DateField(label=_("as of"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.style_widgets()


class ParcelForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    geometry_text = forms.CharField(label=pgettext_lazy("land", "boundary (GeoJSON)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Parcel
        fields = ["code", "name", "region", "zone", "area_mu", "use", "approved_on", "expropriated_on",
                  "supplied_on", "used_on", "project", "enterprise", "lon", "lat", "standard_land", "note"]
        widgets = {f: DATE for f in ("approved_on", "expropriated_on", "supplied_on", "used_on")} | {
            "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs) -> None:
        from devzone.enterprises.selectors import enterprise_queryset
        from devzone.projects.selectors import project_queryset

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.region_list(user=user).filter(
            level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP])
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["project"].queryset = project_queryset(user=user).order_by("name")
        self.fields["enterprise"].queryset = enterprise_queryset(user=user).order_by("name")
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
            if self.instance.geometry:
                self.fields["geometry_text"].initial = json.dumps(self.instance.geometry, ensure_ascii=False)
        self.style_widgets()

    def clean_geometry_text(self):
        text = (self.cleaned_data.get("geometry_text") or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON.")) from exc

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("updated_at", "geometry_text")}
        data["geometry"] = self.cleaned_data.get("geometry_text")
        return data


class DocumentForm(StyledFormMixin, forms.Form):
    compact = True
    kind = forms.ChoiceField(label=_("kind"), choices=ParcelDocument.Kind.choices)
    document_number = forms.CharField(label=_("document number"), required=False, max_length=100)
    file = forms.FileField(label=_("file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class DisposalForm(StyledFormMixin, forms.ModelForm):
    compact = True

    class Meta:
        model = DisposalAction
        fields = ["category", "action", "responsible", "due_on", "plan"]
        widgets = {"due_on": DATE, "plan": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def _post_clean(self) -> None:
        """The service validates."""


class DisposalProgressForm(StyledFormMixin, forms.Form):
    compact = True
    status = forms.ChoiceField(label=_("status"), choices=[(DisposalAction.Status.IN_PROGRESS,
                                                            _("in progress")),
                                                           (DisposalAction.Status.DONE, _("done"))])
    done_on = forms.DateField(label=_("done on"), required=False, widget=DATE)
    result = forms.CharField(label=pgettext_lazy("land", "result"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ConditionForm(StyledFormMixin, forms.ModelForm):
    compact = True

    class Meta:
        model = StandardLandCondition
        fields = ["min_investment_intensity", "min_tax_per_mu", "max_energy_per_output", "max_emission_per_output"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def _post_clean(self) -> None:
        """The service validates."""
