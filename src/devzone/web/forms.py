"""Tabler (Bootstrap 5) classes on every widget, so forms need no per-field markup."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    compact = False

    def style_widgets(self) -> None:
        size = " form-select-sm" if self.compact else ""
        control = " form-control-sm" if self.compact else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select" + size)
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control" + control)


class BoundaryUploadForm(StyledFormMixin, forms.Form):
    """Upload one county's or zone's boundary (GeoJSON)."""

    target = forms.ChoiceField(label=_("boundary of"))
    file = forms.FileField(label=_("GeoJSON file"),
                           help_text=_("Polygon or MultiPolygon, longitude/latitude (WGS84), at most 2 MB"))

    def __init__(self, *args, counties, zones, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = ([(f"region:{c.pk}", f"{c.name} ({_('county')})") for c in counties]
                                         + [(f"zone:{z.pk}", f"{z.name} ({_('zone')})") for z in zones])
        self.style_widgets()


class MapFilterForm(StyledFormMixin, forms.Form):
    """The project map's filters (the ledger's stage, light, county, zone and level) and its colouring."""

    compact = True

    colour = forms.ChoiceField(label=_("colour by"), required=False,
                               choices=[("stage", _("stage")), ("light", _("light"))])
    stage = forms.ChoiceField(label=_("stage"), required=False)
    light = forms.ChoiceField(label=_("light"), required=False)
    region = forms.ModelChoiceField(label=_("county"), required=False, queryset=None, empty_label=_("All"))
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=None, empty_label=_("All"))
    level = forms.ChoiceField(label=_("level"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        from devzone.core import selectors as core_selectors
        from devzone.projects.forms import ALL, LEVEL_CHOICES, LIGHT_CHOICES
        from devzone.projects.models import Stage

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [ALL, *Stage.choices]
        self.fields["light"].choices = LIGHT_CHOICES
        self.fields["level"].choices = LEVEL_CHOICES
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["colour"].widget.attrs["data-map-colour"] = "1"
        self.style_widgets()

    def filters(self) -> dict:
        """Valid filters as plain values (ids for county and zone); nothing when the form is invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "") and k != "colour"}
        for key in ("region", "zone"):
            if data.get(key) is not None:
                data[key] = data[key].pk
        return data
