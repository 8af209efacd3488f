"""Forms for the project pages. They parse; the services validate and decide."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors as core_selectors
from devzone.core.models import Department, Region, User, Zone
from devzone.enterprises import selectors as enterprise_selectors
from devzone.enterprises.models import Industry
from devzone.projects import selectors
from devzone.projects.models import (
    LIFECYCLE,
    Evidence,
    ProgressReport,
    Project,
    ProjectBatch,
    Stage,
)
from devzone.projects.workflow import DECLARABLE, ENTRY_STAGES
from devzone.web.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = ("", _("All"))
LIGHT_CHOICES = [ALL, ("red", _("red light")), ("yellow", _("yellow light")), ("green", _("green light")),
                 ("none", _("no plan"))]
VERIFICATION_CHOICES = [ALL, ("declared", _("declared, not verified")), ("returned", _("declaration returned")),
                        ("settled", _("nothing awaiting verification"))]
LEVEL_CHOICES = [ALL, ("provincial_key", _("provincial key project")), ("city_key", _("city key project")),
                 ("hundred_major", _("hundred major projects"))]


class ProjectFilterForm(StyledFormMixin, forms.Form):
    compact = True

    q = forms.CharField(label=_("Name, code or owner"), required=False)
    stage = forms.ChoiceField(label=_("stage"), required=False, choices=[ALL, *Stage.choices])
    verification = forms.ChoiceField(label=_("verification"), required=False, choices=VERIFICATION_CHOICES)
    region = forms.ModelChoiceField(label=_("county"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    zone = forms.ModelChoiceField(label=_("zone"), required=False, queryset=Zone.objects.none(), empty_label=_("All"))
    level = forms.ChoiceField(label=_("level"), required=False, choices=LEVEL_CHOICES)
    batch = forms.ModelChoiceField(label=_("batch"), required=False, queryset=ProjectBatch.objects.all(),
                                   empty_label=_("All"))
    category = forms.ChoiceField(label=_("category"), required=False, choices=[ALL, *Project.Category.choices])
    industry = forms.ChoiceField(label=_("industry"), required=False)
    leader = forms.ModelChoiceField(label=_("sponsoring leader"), required=False, queryset=User.objects.none(),
                                    empty_label=_("All"))
    light = forms.ChoiceField(label=_("light"), required=False, choices=LIGHT_CHOICES)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["leader"].queryset = User.objects.filter(
            pk__in=selectors.project_queryset(user=user).exclude(leader=None).values("leader")).order_by("username")
        divisions = Industry.objects.filter(code__regex=r"^[A-Z]?\d{2}$").order_by("code")
        self.fields["industry"].choices = [ALL] + [(i.code, str(i)) for i in divisions]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        for key in ("region", "zone", "batch", "leader"):
            if data.get(key):
                data[key] = data[key].pk
        return data


PROJECT_FORM_FIELDS = [
    "code", "name", "region", "zone", "owner", "owner_name", "industry", "chain_link", "category", "nature",
    "total_investment", "start_year", "end_year", "land_mu", "own_land", "government_invested", "content_scale",
    "provincial_key", "city_key", "hundred_major", "leader", "leader_name", "responsible_unit",
    "responsible_unit_name", "service_officer", "lon", "lat", "agreement_amount", "agreement_counterpart",
    "committed_output", "committed_tax", *Project.MARK_FIELDS,
]


class ProjectForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    stage = forms.ChoiceField(label=_("entry stage"), required=False,
                              choices=[(s.value, s.label) for s in ENTRY_STAGES])
    stage_date = forms.DateField(label=_("entry or signing date"), required=False, widget=DATE)

    class Meta:
        model = Project
        fields = PROJECT_FORM_FIELDS
        widgets = {"content_scale": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.region_list(user=user).filter(
            level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP]).filter(
            path__startswith=_scope_root(user))
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["owner"].queryset = enterprise_selectors.enterprise_queryset(user=user)
        self.fields["owner"].widget = forms.NumberInput()
        self.fields["owner"].help_text = _("Enterprise id in the registry (optional); the owner name is enough.")
        self.fields["industry"].queryset = Industry.objects.order_by("code")
        users = User.objects.filter(is_active=True).order_by("username")
        self.fields["leader"].queryset = users
        self.fields["service_officer"].queryset = users
        self.fields["responsible_unit"].queryset = Department.objects.filter(
            pk__in=core_selectors.department_list(user=user).values("pk")).select_related("region")
        if self.instance.pk:
            del self.fields["stage"], self.fields["stage_date"]
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service, which reports errors users can read."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}
        if not data.get("stage"):
            data.pop("stage", None)
        if not data.get("stage_date"):
            data.pop("stage_date", None)
        return data


def _scope_root(user) -> str:
    from devzone.core.jurisdiction import scope_for

    scope = scope_for(user)
    return "" if scope.unrestricted else (scope.region_path or "/none/")


class DeclareForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=[(s.value, s.label) for s in DECLARABLE])
    date = forms.DateField(label=_("actual date"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from devzone.projects.workflow import refusal_to_declare

        allowed = [(s.value, s.label) for s in DECLARABLE
                   if refusal_to_declare(current=project.stage, target=s,
                                         government_invested=project.government_invested) is None]
        self.fields["stage"].choices = allowed or self.fields["stage"].choices
        if allowed and not self.is_bound:
            self.fields["stage"].initial = project.declared_stage or allowed[0][0]
        self.style_widgets()


class StageReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("verify", _("verify")), ("return", _("return"))],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(label=_("reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class SuspendForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("suspended on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ResumeForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("resumed on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class CancelForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("cancelled on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason for cancellation"), widget=forms.Textarea(attrs={"rows": 2}))
    replacement = forms.ModelChoiceField(label=_("replaced by"), required=False, queryset=Project.objects.none(),
                                         empty_label=_("No replacement"))

    def __init__(self, *args, user, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = (selectors.project_queryset(user=user).exclude(pk=project.pk)
                                               .exclude(stage=Stage.CANCELLED).filter(replaces__isnull=True)
                                               .order_by("name"))
        self.style_widgets()


class EvidenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Evidence.Kind.choices)
    stage = forms.ChoiceField(label=_("stage"), required=False,
                              choices=[("", "—"), *[(s.value, s.label) for s in LIFECYCLE[1:]]])
    file = forms.FileField(label=_("file (JPEG, PNG or PDF)"))
    document_number = forms.CharField(label=_("document number"), required=False)
    taken_on = forms.DateField(label=_("taken on (photos without EXIF)"), required=False, widget=DATE)
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class YearPlanForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    planned_investment = forms.DecimalField(label=_("planned investment"), max_digits=16, decimal_places=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class MilestoneForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("milestone"), max_length=100)
    planned_date = forms.DateField(label=_("planned date"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return f"{previous:%Y-%m}"


class ReportForm(StyledFormMixin, forms.Form):
    period = forms.CharField(label=_("month"), widget=forms.TextInput(attrs={"type": "month"}), initial=last_month)
    investment_month = forms.DecimalField(label=_("investment completed this month"), max_digits=16,
                                          decimal_places=2, min_value=0)
    image_percent = forms.IntegerField(label=_("image progress (%)"), min_value=0, max_value=100, initial=0)
    image_progress = forms.CharField(label=_("image progress"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(label=_("problems raised"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label=_("site photos"), required=False)
    photo_date = forms.DateField(label=_("taken on (photos without EXIF)"), required=False, widget=DATE)

    def __init__(self, *args, fixed_period: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if fixed_period:
            del self.fields["period"]
        self.style_widgets()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        photos = [(photo, data.get("photo_date")) for photo in data.get("photos") or []]
        result = {"investment_month": data["investment_month"], "image_progress": data.get("image_progress", ""),
                  "image_percent": data.get("image_percent") or 0, "problems": data.get("problems", ""),
                  "photos": photos}
        if "period" in data:
            result["period"] = data["period"]
        return result


class ReportReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("approve")), ("return", _("return"))],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(label=_("reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ReportFilterForm(StyledFormMixin, forms.Form):
    compact = True

    status = forms.ChoiceField(label=_("status"), required=False, choices=[ALL, *ProgressReport.Status.choices])
    period = forms.CharField(label=_("month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    region = forms.ModelChoiceField(label=_("county"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    q = forms.CharField(label=_("project name"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("region"):
            data["region"] = data["region"].pk
        return data


class KpiForm(StyledFormMixin, forms.Form):
    compact = True

    cohort = forms.ChoiceField(label=_("cohort"))
    as_of = forms.DateField(label=_("as of"), widget=DATE)
    group_by = forms.ChoiceField(label=_("by"), choices=[("county", _("county")), ("zone", _("zone"))],
                                 required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        choices = [(str(y), f"{y}年") for y in range(year, year - 4, -1)]
        batches = ProjectBatch.objects.order_by("-year", "-sequence")
        choices += [(f"batch:{b.pk}", f"{b.name}(三个一批)") for b in batches]
        self.fields["cohort"].choices = choices
        self.style_widgets()
