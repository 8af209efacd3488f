"""Forms for the dispatch pages: filters, problems, the action forms (交办/办结/销号/退回), tasks, meetings."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors as core_selectors
from devzone.core.errors import DomainError, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Department, Region, Role, User
from devzone.dispatch import selectors
from devzone.dispatch.escalation import LIGHTS
from devzone.dispatch.models import Category, Difficulty, Escalation, Meeting, Problem, Satisfaction, Task
from devzone.enterprises import selectors as enterprise_selectors
from devzone.web.forms import StyledFormMixin

ALL = [("", _("All"))]


def departments_in_scope(user: User) -> QuerySet[Department]:
    """Units the user may assign work to: those in their jurisdiction's subtree."""
    return Department.objects.filter(scope_for(user).region_q()).select_related("region").order_by(
        "region__path", "name")


def units_for_filter(user: User, model) -> QuerySet[Department]:
    """Units a list can be filtered by: those in the user's jurisdiction, and any unit leading an item the
    user can see (a KPI or board link may name a unit outside the subtree, e.g. a city bureau that a county
    unit helps)."""
    visible = model.objects.filter(selectors.problem_visible_q(user) if model is Problem
                                   else selectors.task_visible_q(user)).values("lead_unit_id")
    return (Department.objects.filter(Q(pk__in=departments_in_scope(user).values("pk")) | Q(pk__in=visible))
            .select_related("region").order_by("region__path", "name"))


def people_in_scope(user: User) -> QuerySet[User]:
    scope = scope_for(user)
    if scope.unrestricted:
        return User.objects.filter(is_active=True).order_by("username")
    if scope.region_path is None:
        return User.objects.none()
    return User.objects.filter(Q(region__path__startswith=scope.region_path)
                               | Q(department__region__path__startswith=scope.region_path),
                               is_active=True).order_by("username")


def leaders() -> QuerySet[User]:
    return User.objects.filter(is_active=True, roles__code=Role.Code.CITY_LEADER).distinct().order_by("username")


def regions_for_items(user: User) -> QuerySet[Region]:
    return core_selectors.region_list(user=user).filter(scope_for(user).region_q(field="")).exclude(
        level=Region.Level.PROVINCE)


class _Filters(StyledFormMixin, forms.Form):
    compact = True

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {}
        for key, value in self.cleaned_data.items():
            if value in (None, "", [], False):
                continue
            data[key] = value.pk if hasattr(value, "pk") else value
        return data


class ProblemFilterForm(_Filters):
    q = forms.CharField(label=_("Title or number"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[*ALL, ("open", _("being handled")), *Problem.Status.choices])
    category = forms.ChoiceField(label=_("category"), required=False, choices=[*ALL, *Category.choices])
    difficulty = forms.ChoiceField(label=_("difficulty"), required=False, choices=[*ALL, *Difficulty.choices])
    source = forms.ChoiceField(label=_("source"), required=False, choices=[*ALL, *Problem.Source.choices])
    level = forms.ChoiceField(label=_("escalation level"), required=False,
                              choices=[*ALL, *[(str(v), label) for v, label in Escalation.choices]])
    light = forms.ChoiceField(label=_("due light"), required=False,
                              choices=[*ALL, *[(code, light.label) for code, light in LIGHTS.items()]])
    unit = forms.ModelChoiceField(label=_("lead unit"), required=False, queryset=Department.objects.none(),
                                  empty_label=_("All"))
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    mine = forms.BooleanField(label=_("my unit only"), required=False)
    kpi = forms.CharField(required=False, widget=forms.HiddenInput)
    period = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_filter(user, Problem)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.style_widgets()


class TaskFilterForm(_Filters):
    q = forms.CharField(label=_("Title or commitment"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[*ALL, ("open", _("being handled")), *Task.Status.choices])
    source = forms.ChoiceField(label=_("source"), required=False, choices=[*ALL, *Task.Source.choices])
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[
        *ALL, ("single", _("one-off tasks")), ("series", _("recurring series")), ("instance", _("period instances"))])
    light = forms.ChoiceField(label=_("due light"), required=False, choices=[
        *ALL, *[(code, LIGHTS[code].label) for code in ("green", "yellow", "red")]])
    unit = forms.ModelChoiceField(label=_("responsible unit"), required=False, queryset=Department.objects.none(),
                                  empty_label=_("All"))
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    mine = forms.BooleanField(label=_("my unit only"), required=False)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)
    series = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_filter(user, Task)
        self.style_widgets()


class MeetingFilterForm(_Filters):
    q = forms.CharField(label=_("Title or minutes"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[*ALL, *Meeting.Kind.choices])
    held_from = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    held_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ProblemForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    enterprise_code = forms.CharField(label=_("enterprise (unified social credit code)"), required=False,
                                      max_length=18)

    class Meta:
        model = Problem
        fields = ["title", "description", "source", "source_ref", "category", "difficulty", "region", "meeting",
                  "sponsor_leader"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = regions_for_items(user)
        self.fields["region"].required = False
        self.fields["meeting"].queryset = selectors.meeting_list(user=user)[:200]
        self.fields["sponsor_leader"].queryset = leaders()
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
            if self.instance.enterprise_id:
                self.fields["enterprise_code"].initial = self.instance.enterprise.credit_code
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("updated_at", "enterprise_code")}
        if data.get("region") is None:
            data.pop("region", None)  # the service defaults it (or keeps the current one)
        code = (self.cleaned_data.get("enterprise_code") or "").strip()
        if code:
            try:
                data["enterprise"] = enterprise_selectors.enterprise_get_by_code(user=self.user, credit_code=code)
            except DomainError as exc:
                message = str(_("No enterprise with this credit code in your jurisdiction."))
                raise ValidationFailed(message, details=[{"field": "enterprise_code", "message": message}]) from exc
        else:
            data["enterprise"] = None
        return data


class AssignForm(StyledFormMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("lead unit"), queryset=Department.objects.none())
    helping_units = forms.ModelMultipleChoiceField(label=_("helping units"), required=False,
                                                   queryset=Department.objects.none(),
                                                   widget=forms.SelectMultiple(attrs={"size": 4}))
    handler = forms.ModelChoiceField(label=_("handler"), required=False, queryset=User.objects.none())
    note = forms.CharField(label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, prefix="assign", **kwargs)
        units = departments_in_scope(user)
        self.fields["lead_unit"].queryset = units
        self.fields["helping_units"].queryset = units
        self.fields["handler"].queryset = people_in_scope(user)
        self.style_widgets()


class ResolveForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=Problem.Result.choices)
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    late_explanation = forms.CharField(label=_("written explanation (required when late)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="resolve", **kwargs)
        self.style_widgets()


class CloseForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("satisfaction"), required=False,
                                     choices=[("", "—"), *Satisfaction.choices])
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="close", **kwargs)
        self.style_widgets()


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="return", **kwargs)
        self.style_widgets()


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, prefix: str = "note", **kwargs) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.style_widgets()


class ProgressForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 2}))
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="progress", **kwargs)
        self.style_widgets()


class CompleteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("completion report"), widget=forms.Textarea(attrs={"rows": 2}))
    late_explanation = forms.CharField(label=_("written explanation (required when late)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="complete", **kwargs)
        self.style_widgets()


class TaskForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "commitment", "source", "source_ref", "meeting", "region", "lead_unit", "helping_units",
                  "responsible_person", "responsible_post", "due_date", "sponsor_leader", "recurrence", "starts_on",
                  "ends_on", "due_weekday", "due_day"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 3}),
                   "due_date": forms.DateInput(attrs={"type": "date"}),
                   "starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"}),
                   "helping_units": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = departments_in_scope(user)
        self.fields["lead_unit"].queryset = units
        self.fields["helping_units"].queryset = units
        self.fields["region"].queryset = regions_for_items(user)
        self.fields["region"].required = False
        self.fields["meeting"].queryset = selectors.meeting_list(user=user)[:200]
        self.fields["responsible_person"].queryset = people_in_scope(user)
        self.fields["sponsor_leader"].queryset = leaders()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["helping_units"] = list(data.get("helping_units") or [])
        return data


class MeetingForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["title", "kind", "held_on", "location", "chair", "region", "attendees", "other_attendees",
                  "minutes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}),
                   "minutes": forms.Textarea(attrs={"rows": 6}),
                   "other_attendees": forms.Textarea(attrs={"rows": 2}),
                   "attendees": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for_items(user)
        self.fields["region"].required = False
        self.fields["attendees"].queryset = people_in_scope(user)
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}
        data["attendees"] = list(data.get("attendees") or [])
        return data


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(label=_("responsible unit"), required=False,
                                       queryset=Department.objects.none())
    due_date = forms.DateField(label=_("time limit"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, prefix="decision", **kwargs)
        self.fields["lead_unit"].queryset = departments_in_scope(user)
        self.style_widgets()
