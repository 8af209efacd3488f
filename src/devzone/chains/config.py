"""The strength thresholds, read with defaults on first use."""

from __future__ import annotations

from devzone.chains.models import ChainSettings


def chain_settings() -> ChainSettings:
    settings, _created = ChainSettings.objects.get_or_create(pk=1)
    return settings
