"""Forms for organisation pages: zone editing and list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors
from devzone.core.models import AuditEvent, Region, Zone
from devzone.web.forms import StyledFormMixin


class ZoneFilterForm(StyledFormMixin, forms.Form):
    compact = True

    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(label=_("level"), required=False, choices=[("", _("All")), *Zone.Level.choices])
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All")), *Zone.Kind.choices])
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.counties_in_scope(user=user)
        self.style_widgets()

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("region"):
            data["region"] = data["region"].pk
        return data


class ZoneForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Zone
        fields = ["name", "short_name", "level", "kind", "region", "parent", "planned_area_km2",
                  "built_area_km2", "leading_industries", "star_rating", "management_body",
                  "intensity_threshold", "established_year"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.region_list(user=user).filter(
            path__startswith=_scope_root(user))
        self.fields["parent"].queryset = selectors.zone_list(user=user)
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}


def _scope_root(user) -> str:
    from devzone.core.jurisdiction import scope_for

    scope = scope_for(user)
    return "" if scope.unrestricted else (scope.region_path or "/none/")


class AuditFilterForm(StyledFormMixin, forms.Form):
    compact = True

    object_type = forms.CharField(label=_("object type"), required=False)
    object_id = forms.CharField(label=_("object id"), required=False)
    user = forms.CharField(label=_("user"), required=False)
    action = forms.ChoiceField(label=_("action"), required=False)
    since = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("All"))] + [(a, a) for a in sorted(actions)]
        self.style_widgets()

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
