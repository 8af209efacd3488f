"""Forms for the attraction pages: they parse; the services validate and write."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.attraction import selectors
from devzone.attraction.models import (
    Activity,
    Agent,
    Agreement,
    AgreementProgress,
    Commitment,
    Contact,
    FollowUp,
    Lead,
    LeadAlert,
    TargetEnterprise,
)
from devzone.chains.models import Chain, ChainLink
from devzone.core import selectors as core_selectors
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, User
from devzone.enterprises.models import Industry
from devzone.web.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _divisions():
    return [("", _("All"))] + [(i.code, str(i)) for i in Industry.objects.filter(
        code__regex=r"^[A-Z]?\d{2}$").order_by("code")]


def _users_in_scope(user: User):
    return User.objects.filter(is_active=True).filter(
        scope_for(user).region_q() | scope_for(user).region_q("department__region")).order_by("username")


def _writable_regions(user: User):
    return core_selectors.region_list(user=user).filter(level__in=[Region.Level.CITY, Region.Level.COUNTY,
                                                                   Region.Level.TOWNSHIP]).filter(
        scope_for(user).region_q(field=""))


class FilterForm(StyledFormMixin, forms.Form):
    compact = True

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        for key, value in list(data.items()):
            if hasattr(value, "pk"):
                data[key] = value.pk
        return data


class LeadFilterForm(FilterForm):
    q = forms.CharField(label=_("Name or investor"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    stage = forms.ChoiceField(label=_("stage"), required=False, choices=[("", _("All")), *Lead.Stage.choices])
    source = forms.ChoiceField(label=_("source"), required=False, choices=[("", _("All")), *Lead.Source.choices])
    industry = forms.ChoiceField(label=_("industry"), required=False)
    chain = forms.ModelChoiceField(label=_("industry chain"), required=False, queryset=Chain.objects.all(),
                                   empty_label=_("All"))
    alert = forms.ChoiceField(label=_("alert"), required=False,
                              choices=[("", _("All")), *LeadAlert.Rule.choices])
    negative = forms.BooleanField(label=_("breaks the negative list"), required=False)
    registered_from = forms.DateField(label=_("registered from"), required=False, widget=DATE)
    registered_to = forms.DateField(label=_("registered to"), required=False, widget=DATE)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["industry"].choices = _divisions()
        self.style_widgets()


class LeadForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Lead
        fields = ["name", "investor_name", "target", "source", "industry", "chain_link", "activity", "agent",
                  "intended_investment", "intended_land_mu", "expected_output", "expected_energy_tce", "region",
                  "zone", "responsible_person", "responsible_unit", "registered_on", "description"]
        widgets = {"registered_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _writable_regions(user)
        self.fields["zone"].queryset = core_selectors.zone_list(user=user).order_by("name")
        self.fields["industry"].queryset = Industry.objects.order_by("code")
        self.fields["chain_link"].queryset = ChainLink.objects.select_related("segment__chain").order_by(
            "segment__chain__sort_order", "segment__sort_order", "sort_order")
        self.fields["chain_link"].label_from_instance = lambda link: f"{link.segment.chain.name} · {link.name}"
        self.fields["target"].queryset = selectors.target_list(user=user)
        self.fields["activity"].queryset = selectors.activity_queryset(user=user).order_by("-start_date")
        self.fields["agent"].queryset = selectors.agent_list(user=user)
        self.fields["responsible_person"].queryset = _users_in_scope(user)
        if self.instance.pk:
            self.fields.pop("registered_on")
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        else:
            self.fields["registered_on"].required = False
            self.fields["registered_on"].initial = timezone.localdate()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}


class FollowUpForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "way", "content", "next_step"]
        widgets = {"date": DATE, "content": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Lead.Stage.choices)
    reason = forms.CharField(required=False, max_length=200)


class DropForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for dropping"), max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("keep", _("keep following")),
                                                               ("drop", _("drop the lead"))])
    reason = forms.CharField(label=_("review opinion"), max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class AgreementForm(StyledFormMixin, forms.ModelForm):
    override_reason = forms.CharField(label=_("written reason for signing despite the negative list"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Agreement
        fields = ["signed_on", "counterpart", "amount", "land_mu", "committed_intensity", "committed_output",
                  "committed_tax", "start_deadline", "production_deadline", "service_officer", "note"]
        widgets = {"signed_on": DATE, "start_deadline": DATE, "production_deadline": DATE,
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, lead: Lead, needs_override: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_officer"].queryset = _users_in_scope(user)
        self.fields["service_officer"].required = True
        self.fields["signed_on"].initial = timezone.localdate()
        self.fields["counterpart"].initial = lead.investor_name
        self.fields["amount"].initial = lead.intended_investment
        self.fields["land_mu"].initial = lead.intended_land_mu
        self.fields["service_officer"].initial = lead.responsible_person_id
        if not needs_override:
            self.fields.pop("override_reason")
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "override_reason"}


class ProgressForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AgreementProgress
        fields = ["as_of", "funds_in_place", "status", "note"]
        widgets = {"as_of": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class AgreementFilterForm(FilterForm):
    q = forms.CharField(label=_("Name or counterpart"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    signed_from = forms.DateField(label=_("signed from"), required=False, widget=DATE)
    signed_to = forms.DateField(label=_("signed to"), required=False, widget=DATE)
    min_amount = forms.DecimalField(label=_("agreed investment at least"), required=False)
    overridden = forms.BooleanField(label=_("signed by override"), required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.style_widgets()


class ActivityFilterForm(FilterForm):
    q = forms.CharField(label=_("Title or place"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All")), *Activity.Kind.choices])
    date_from = forms.DateField(label=_("from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=DATE)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.style_widgets()


class ActivityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "region", "start_date", "end_date", "place", "leaders", "batches",
                  "person_times", "summary"]
        widgets = {"start_date": DATE, "end_date": DATE, "leaders": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _writable_regions(user)
        self.fields["leaders"].queryset = selectors.leader_queryset(user=user).filter(active=True)
        self.fields["end_date"].required = False
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class QuotaForm(FilterForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    half = forms.ChoiceField(label=_("half-year"), choices=[("1", _("first half")), ("2", _("second half"))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


def default_half(today: date) -> dict:
    return {"year": today.year, "half": "1" if today.month <= 6 else "2"}


class TargetFilterForm(FilterForm):
    q = forms.CharField(label=_("Name or headquarters"), required=False)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    chain = forms.ModelChoiceField(label=_("industry chain"), required=False, queryset=Chain.objects.all(),
                                   empty_label=_("All"))
    tag = forms.MultipleChoiceField(label=_("tags"), required=False, widget=forms.CheckboxSelectMultiple,
                                    choices=[(n, TargetEnterprise._meta.get_field(n).verbose_name)
                                             for n in TargetEnterprise.TAG_FIELDS])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = _divisions()
        self.style_widgets()


class ContactFilterForm(FilterForm):
    q = forms.CharField(label=_("Name, organisation or place"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All")), *Contact.Kind.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class SearchForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class _RegionModelForm(StyledFormMixin, forms.ModelForm):
    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _writable_regions(user)
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class TargetForm(_RegionModelForm):
    class Meta:
        model = TargetEnterprise
        fields = ["name", "industry", "chain_link", "headquarters", "contact_person", "phone",
                  *TargetEnterprise.TAG_FIELDS, "region", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["industry"].queryset = Industry.objects.order_by("code")
        self.fields["chain_link"].queryset = ChainLink.objects.select_related("segment__chain")
        self.fields["chain_link"].label_from_instance = lambda link: f"{link.segment.chain.name} · {link.name}"


class ContactForm(_RegionModelForm):
    class Meta:
        model = Contact
        fields = ["name", "kind", "organisation", "post", "based_in", "phone", "region", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class AgentForm(_RegionModelForm):
    class Meta:
        model = Agent
        fields = ["name", "organisation", "based_in", "focus", "contract_start", "contract_end", "phone", "region",
                  "note"]
        widgets = {"contract_start": DATE, "contract_end": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class CommitmentForm(_RegionModelForm):
    class Meta:
        model = Commitment
        fields = ["region", "meeting", "meeting_date", "period_start", "period_end", "signed_amount",
                  "project_count", "note"]
        widgets = {"meeting_date": DATE, "period_start": DATE, "period_end": DATE}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)


class KpiForm(FilterForm):
    date_from = forms.DateField(label=_("from"), widget=DATE)
    date_to = forms.DateField(label=_("to"), widget=DATE)
    as_of = forms.DateField(label=_("as of"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


