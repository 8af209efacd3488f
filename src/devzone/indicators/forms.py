"""Forms for the indicator pages: filters, value entry, targets, target breakdown, flag explanation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core import selectors as core_selectors
from devzone.core.errors import ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region
from devzone.indicators.models import ConsistencyFlag, Indicator, IndicatorValue, Target
from devzone.indicators.periods import Period
from devzone.web.forms import StyledFormMixin

MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})


def _own_regions(user):
    """Regions of the user's own subtree (not their ancestors), in tree order."""
    scope = scope_for(user)
    root = "" if scope.unrestricted else (scope.region_path or "/none/")
    return core_selectors.region_list(user=user).filter(path__startswith=root)


def place_choices(user, *, townships: bool = False) -> list[tuple[str, str]]:
    """Regions (city and county levels; townships on request) and zones of the user's subtree, as "r12"/"z3"."""
    regions = _own_regions(user)
    if not townships:
        regions = regions.exclude(level=Region.Level.TOWNSHIP)
    choices = [(f"r{r.pk}", ("\u3000" * max(r.depth - 1, 0)) + r.name) for r in regions]
    choices += [(f"z{z.pk}", f"{z.short_name or z.name}(开发区)") for z in core_selectors.zone_list(user=user)
                .order_by("name")]
    return choices


def clean_period(value: str) -> str:
    if not value:
        return ""
    try:
        return str(Period.parse(value))
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from exc


class MonitorFilterForm(StyledFormMixin, forms.Form):
    compact = True

    period = forms.CharField(label=pgettext_lazy("indicators", "period"), required=False, widget=MONTH_INPUT)
    place = forms.ChoiceField(label=_("region or zone"), required=False)
    benchmark = forms.ChoiceField(label=_("benchmark"), required=False)

    def __init__(self, *args, user, benchmarks=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("My jurisdiction")), *place_choices(user)]
        self.fields["benchmark"].choices = [("", _("Parent region")), *[(b.entity, b.name) for b in benchmarks]]
        self.style_widgets()

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data.get("period", ""))


class PeriodForm(StyledFormMixin, forms.Form):
    compact = True

    period = forms.CharField(label=pgettext_lazy("indicators", "period"), required=False, widget=MONTH_INPUT)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data.get("period", ""))


class PeriodFilterForm(PeriodForm):
    only_exceeding = forms.BooleanField(label=_("only gaps above the threshold"), required=False)
    status = forms.ChoiceField(label=_("flag status"), required=False,
                               choices=[("", _("All")), *ConsistencyFlag.Status.choices])


class TrendFilterForm(StyledFormMixin, forms.Form):
    compact = True

    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=Indicator.objects.none(), to_field_name="code",
                                       empty_label=None)
    place = forms.ChoiceField(label=_("region or zone"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=1949, max_value=2100)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True)
        self.fields["place"].choices = [("", _("My jurisdiction")), *place_choices(user)]
        self.style_widgets()


class ValueFilterForm(StyledFormMixin, forms.Form):
    compact = True

    indicator = forms.ModelChoiceField(label=_("indicator"), required=False, queryset=Indicator.objects.none(),
                                       empty_label=_("All"))
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    period = forms.CharField(label=pgettext_lazy("indicators", "period"), required=False, widget=MONTH_INPUT)
    source = forms.ChoiceField(label=pgettext_lazy("indicators", "source"), required=False,
                               choices=[("", _("All")), *IndicatorValue.Source.choices])

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True)
        self.fields["region"].queryset = _own_regions(user).exclude(level=Region.Level.TOWNSHIP)
        self.style_widgets()

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data.get("period", ""))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        for key in ("indicator", "region"):
            if data.get(key):
                data[key] = data[key].pk
        return data


class _PlaceMixin:
    """Region and zone selects limited to the user's own subtree."""

    def limit_places(self, user) -> None:
        self.fields["region"].queryset = _own_regions(user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["region"].required = False
        self.fields["zone"].required = False


class ValueForm(_PlaceMixin, StyledFormMixin, forms.ModelForm):
    period = forms.CharField(label=pgettext_lazy("indicators", "period"), widget=MONTH_INPUT)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "region", "zone", "source", "value", "stated_growth", "note"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True)
        self.limit_places(user)
        self.order_fields(["indicator", "region", "zone", "period", "source", "value", "stated_growth", "note"])
        self.style_widgets()

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data.get("period", ""))

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        period = Period.parse(data.pop("period"))
        return {**data, "year": period.year, "month": period.month, "channel": IndicatorValue.Channel.FORM}


class ValueEditForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicatorValue
        fields = ["value", "stated_growth", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {**{k: v for k, v in self.cleaned_data.items() if k != "updated_at"},
                "channel": IndicatorValue.Channel.FORM}


class TargetForm(_PlaceMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "region", "zone", "year", "amount", "growth", "note"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True)
        self.limit_places(user)
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class BreakdownForm(StyledFormMixin, forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=Indicator.objects.none(), to_field_name="code")
    place = forms.ChoiceField(label=_("region"))
    year = forms.IntegerField(label=_("year"), min_value=1949, max_value=2100)
    total = forms.DecimalField(label=_("target to split"), max_digits=18, decimal_places=4, min_value=0)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True,
                                                                     aggregation=Indicator.Aggregation.SUM)
        self.fields["place"].choices = [(f"r{r.pk}", r.name) for r in _own_regions(user).filter(
            level__in=[Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY])]
        self.style_widgets()


class ExplainForm(StyledFormMixin, forms.Form):
    explanation = forms.CharField(label=pgettext_lazy("indicators", "explanation"),
                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("closing note"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

