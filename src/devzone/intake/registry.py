"""Adapters by kind. An app adds one by writing `devzone/<app>/imports.py` with a class decorated with
`@register`; `IntakeConfig.ready()` imports every installed app's `imports` module (as the admin site
discovers `admin.py`)."""

from __future__ import annotations

from devzone.core.errors import ValidationFailed
from devzone.intake.adapters.base import Adapter

_ADAPTERS: dict[str, type[Adapter]] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator: make `cls` available under `cls.kind` (a later registration replaces an earlier one)."""
    if not getattr(cls, "kind", "") or not getattr(cls, "title", ""):
        raise TypeError(f"{cls.__name__} must set `kind` and `title`")
    keys = [f.key for f in cls.fields]
    if len(keys) != len(set(keys)):
        raise TypeError(f"{cls.__name__} declares a field key twice")
    _ADAPTERS[cls.kind] = cls
    return cls


def adapter_class(kind: str) -> type[Adapter]:
    try:
        return _ADAPTERS[kind]
    except KeyError:
        known = "、".join(sorted(_ADAPTERS)) or "(无)"
        raise ValidationFailed(f"未知的导入类型「{kind}」,可选:{known}",
                               details=[{"field": "kind", "message": "未知的导入类型"}]) from None


def adapter_choices() -> list[tuple[str, str]]:
    """(kind, title) of every registered adapter, in registration order."""
    return [(kind, cls.title) for kind, cls in _ADAPTERS.items()]


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    import devzone.intake.adapters.enterprises  # noqa: F401  (registers "enterprises")

    autodiscover_modules("imports")
