from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.reports.services import FORMATS
from devzone.web.forms import StyledFormMixin

KIND_CHOICES = [("monthly", _("Monthly bulletin")), ("weekly", _("Weekly report"))]


def default_month(today=None) -> str:
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


class BulletinForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=KIND_CHOICES, initial="monthly")
    period = forms.CharField(label=_("period"), max_length=16,
                             help_text=_("Monthly: YYYY-MM (e.g. 2026-10). Weekly: an ISO week YYYY-Www (e.g. "
                                         "2026-W43) or the last day of the week YYYY-MM-DD."))
    format = forms.ChoiceField(label=_("format"), choices=list(FORMATS.items()), initial="docx")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = default_month()
        self.style_widgets()
