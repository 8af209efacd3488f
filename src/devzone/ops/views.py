"""Changing one's own password (also where an expired password sends the user); the change is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from devzone.core import audit


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "ops/password_change.html"
    success_url = reverse_lazy("home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        return form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_expired": "expired" in self.request.GET}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=self.request.user, action="password_change", instance=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
