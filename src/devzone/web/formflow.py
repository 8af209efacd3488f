"""Submitting a form to a service: success redirects, a DomainError lands on the form as readable errors."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from devzone.core.errors import DomainError


def submit_form(request: HttpRequest, form: forms.Form, save: Callable[[dict], models.Model],
                success_message: str) -> HttpResponse | None:
    """Validate `form`, call `save(cleaned data)`; redirect to the saved object, or return None to re-render."""
    if not form.is_valid():
        return None
    try:
        obj = save(form.service_data() if hasattr(form, "service_data") else form.cleaned_data)
    except DomainError as exc:
        _attach_errors(form, exc)
        return None
    messages.success(request, success_message)
    return redirect(obj.get_absolute_url())


def _attach_errors(form: forms.Form, exc: DomainError) -> None:
    attached = False
    for detail in exc.details:
        field = detail.get("field")
        if field and field in form.fields:
            form.add_error(field, detail.get("message", ""))
            attached = True
    if not attached or exc.code == "conflict":
        form.add_error(None, exc.message)


def form_page(request: HttpRequest, *, template: str, form: forms.Form, save: Callable[[dict], models.Model],
              success_message: str, context: dict) -> HttpResponse:
    """GET renders the form; POST submits it to `save` and redirects, or re-renders it with the errors."""
    if request.method == "POST":
        done = submit_form(request, form, save, success_message)
        if done:
            return done
    return render(request, template, {"form": form, **context})
