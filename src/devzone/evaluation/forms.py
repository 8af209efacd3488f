"""Forms of the evaluation pages: run filters and creation, result filters, scheme copies, vetoes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.core.errors import NotFound
from devzone.evaluation import selectors
from devzone.evaluation.models import EvaluationRun, VetoRecord
from devzone.evaluation.services import Upload
from devzone.web.forms import StyledFormMixin

PUBLISHED_CHOICES = [("", _("All")), ("yes", _("published")), ("no", _("not published"))]
PARTICIPATES_CHOICES = [("yes", _("participants")), ("no", _("non-participants")), ("all", _("All"))]
MAX_UPLOAD_MB = 30


def _year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=_("year"), min_value=1949, max_value=2100, **kwargs)


class RunFilterForm(StyledFormMixin, forms.Form):
    compact = True

    scheme = forms.ChoiceField(label=_("scheme"), required=False)
    year = _year_field(required=False)
    published = forms.ChoiceField(label=_("published"), required=False, choices=PUBLISHED_CHOICES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", _("All")), *selectors.scheme_labels()]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RunCreateForm(StyledFormMixin, forms.Form):
    scheme = forms.ChoiceField(label=_("scheme"))
    year = _year_field()
    period = forms.CharField(label=_("period"), required=False, max_length=32,
                             help_text=_("Optional label, e.g. 2026-01/02 for a bimonthly appraisal."))
    file = forms.FileField(label=_("input file (.xlsx or .csv)"), required=False,
                           help_text=_("Needed for schemes whose data is not in the database (county, zone, "
                                       "inspection, window); optional for per-mu evaluation, which reads the "
                                       "enterprise registry."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = selectors.scheme_labels()
        self.fields["scheme"].initial = "mujun"
        self.fields["year"].initial = timezone.localdate().year - 1
        self.style_widgets()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_MB})
        return upload

    def service_data(self) -> dict:
        data = self.cleaned_data
        upload = data.get("file")
        return {"scheme_key": data["scheme"], "year": data["year"], "period": data.get("period") or "",
                "upload": Upload(name=upload.name, content=upload.read()) if upload is not None else None}


class ResultFilterForm(StyledFormMixin, forms.Form):
    compact = True

    q = forms.CharField(label=_("Name or code"), required=False)
    group = forms.ChoiceField(label=_("group (county)"), required=False)
    klass = forms.ChoiceField(label=_("class"), required=False)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    participates = forms.ChoiceField(label=_("participation"), required=False, choices=PARTICIPATES_CHOICES)
    county = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the cockpit's county board links

    def __init__(self, *args, user, run: EvaluationRun, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All"))] + [
            (g, g) for g in selectors.group_choices(user=user, run=run)]
        levels = run.scheme.classes.levels if run.scheme.classes else ()
        self.fields["klass"].choices = [("", _("All"))] + [(lv.key, f"{lv.key} {lv.label}") for lv in levels]
        if run.unit == "enterprise":
            self.fields["industry"].choices = [("", _("All")), *selectors.industry_choices(run=run)]
        else:
            del self.fields["industry"]
        if not levels:
            del self.fields["klass"]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SchemeVersionForm(StyledFormMixin, forms.Form):
    yaml_text = forms.CharField(label=_("scheme (YAML)"), widget=forms.Textarea(attrs={
        "rows": 28, "spellcheck": "false", "class": "form-control font-monospace"}))
    note = forms.CharField(label=_("change note"), required=False, max_length=200)
    activate = forms.BooleanField(label=_("use this copy for new runs"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class VetoForm(StyledFormMixin, forms.Form):
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18)
    year = _year_field()
    kind = forms.ChoiceField(label=_("kind"), choices=VetoRecord.Kind.choices)
    reason = forms.CharField(label=_("reason"), max_length=300)
    evidence = forms.CharField(label=_("evidence note"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].initial = timezone.localdate().year - 1
        self.style_widgets()

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        try:
            self.enterprise = selectors.enterprise_by_code(user=self.user, credit_code=code)
        except NotFound as exc:
            raise forms.ValidationError(
                _("No enterprise with this credit code in your jurisdiction.")) from exc
        return code

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "credit_code"}
        return {**data, "enterprise": self.enterprise}


class VetoFilterForm(StyledFormMixin, forms.Form):
    compact = True

    q = forms.CharField(label=_("Name or credit code"), required=False)
    year = _year_field(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
