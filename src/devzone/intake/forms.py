"""Forms for the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.intake.models import ImportBatch
from devzone.intake.reader import FORMATS, human_size
from devzone.intake.registry import adapter_choices
from devzone.intake.services import import_limits
from devzone.web.forms import StyledFormMixin


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Import kind"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = adapter_choices()
        self.fields["file"].widget.attrs["accept"] = ",".join(FORMATS)
        self.fields["file"].help_text = _("Excel (.xlsx, .xls), .ods or .csv (UTF-8 or GB18030); at most %(size)s.") % {
            "size": human_size(import_limits().max_file_bytes)}
        self.style_widgets()


class BatchFilterForm(StyledFormMixin, forms.Form):
    compact = True

    kind = forms.ChoiceField(label=_("Import kind"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *ImportBatch.Status.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *adapter_choices()]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
