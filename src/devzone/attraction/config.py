"""The configuration rows (thresholds administrators edit), read with defaults on first use."""

from __future__ import annotations

from devzone.attraction.models import AttractionSettings


def attraction_settings() -> AttractionSettings:
    settings, _created = AttractionSettings.objects.get_or_create(pk=1)
    return settings
