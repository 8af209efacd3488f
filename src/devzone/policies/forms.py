"""Forms for the policy-fulfilment pages; the services validate and say what is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from devzone.core import selectors as core_selectors
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region
from devzone.enterprises import selectors as enterprise_selectors
from devzone.policies import selectors
from devzone.policies.models import Application, Clause, Policy
from devzone.web.forms import StyledFormMixin

DATE = {"type": "date"}
ISO = "%Y-%m-%d"  # what <input type="date"> reads, whatever the locale


class ApplicationFilterForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("enterprise"), required=False)
    region = forms.ModelChoiceField(label=_("region"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("All"))
    policy = forms.ModelChoiceField(label=_("policy"), required=False, queryset=Policy.objects.none(),
                                    empty_label=_("All"))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *Application.Status.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    late = forms.BooleanField(label=_("Late (overdue or paid late)"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core_selectors.counties_in_scope(user=user)
        self.fields["policy"].queryset = selectors.policy_queryset(user=user).order_by("name")
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
        for key in ("region", "policy"):
            if data.get(key):
                data[key] = data[key].pk
        return data


class PolicyForm(StyledFormMixin, forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Policy
        fields = ["name", "document_number", "issuer", "issued_on", "region", "active"]
        widgets = {"issued_on": forms.DateInput(attrs=DATE, format=ISO)}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            scope_for(user).region_q(""), level__in=[Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY])
        if self.instance.pk:
            self.fields["updated_at"].initial = self.instance.updated_at.isoformat()
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "updated_at"}


class ClauseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Clause
        fields = ["number", "title", "benefit", "amount_rule", "max_amount", "payment_days"]
        widgets = {"amount_rule": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class ApplicationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["enterprise", "clause", "applied_on", "claimed_amount", "note"]
        widgets = {"applied_on": forms.DateInput(attrs=DATE, format=ISO), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_selectors.enterprise_queryset(user=user).order_by("name")
        self.fields["clause"].queryset = selectors.clause_choices(user=user)
        self.style_widgets()

    def _post_clean(self) -> None:
        """Model validation runs in the service."""


class ApproveForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("approved amount due"), max_digits=16, decimal_places=2)
    approved_on = forms.DateField(label=_("approved on"), widget=forms.DateInput(attrs=DATE, format=ISO))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class PayForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("amount paid"), max_digits=16, decimal_places=2)
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs=DATE, format=ISO))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
