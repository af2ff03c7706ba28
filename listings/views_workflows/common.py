"""Helpers of the workflow pages: run a service from a POST, then go back with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.forms import add_service_error
from exchange.views.common import error_text, is_local_path

SERVICE_ERRORS = (ValidationError, PermissionDenied, InvalidTransition)


def back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the posted ``next`` path when it is local, else to ``fallback``."""
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if is_local_path(target) else fallback)


def run(
    request: HttpRequest,
    service: Callable[..., Any],
    done: str,
    **kwargs: Any,
) -> Any:
    """Call ``service``; flash ``done`` on success or the service's refusal. None on refusal."""
    try:
        result = service(**kwargs)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return None
    messages.success(request, done)
    return result


def form_errors(form: forms.BaseForm) -> str:
    """A form's errors as one sentence for a flash message (small inline forms)."""
    parts: list[str] = []
    for field, errors in form.errors.items():
        label = ""
        if field in form.fields:
            label = str(form.fields[field].label or field.replace("_", " "))
        parts.extend(f"{label.capitalize()}: {e}" if label else str(e) for e in errors)
    return " ".join(parts)


def apply_service_error(form: forms.BaseForm, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        add_service_error(form, exc)
    else:
        form.add_error(None, error_text(exc))
