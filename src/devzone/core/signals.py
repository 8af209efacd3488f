"""Sign-in and sign-out go into the audit trail as well (等保 asks for it)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from devzone.core import audit


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs) -> None:
    audit.record(actor=user, action="login", instance=user, after={"ip": _client_ip(request)})


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(actor=user, action="logout", instance=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action="login_failed", object_type="core.user", object_repr=username,
                 after={"username": username, "ip": _client_ip(request)})


def _client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")
