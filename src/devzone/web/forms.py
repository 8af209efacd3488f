"""Tabler (Bootstrap 5) classes on every widget, so forms need no per-field markup."""

from __future__ import annotations

from django import forms


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
