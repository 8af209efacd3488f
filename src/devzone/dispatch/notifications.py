"""Notification channels: the in-app inbox, and outbound channels behind one small interface.

Every notification is first an inbox row (`Notification`). After the transaction that created it commits,
each outbound channel named in `DispatchRules.outbound_channels` receives a copy; what it did is recorded as
a `NotificationDelivery` (sent, skipped with a reason, or failed with the error). The email channel uses
Django's email backend, so tests (which use the locmem backend) never reach the network. An SMS gateway or a
government messaging app (政务微信, 钉钉, 闽政通 …) is added by writing a class with the same two members
and calling `register_channel(...)` from an AppConfig.ready().
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from devzone.dispatch.models import Notification, NotificationDelivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundMessage:
    notification_id: int
    recipient_name: str
    email: str
    phone: str
    subject: str
    body: str
    url: str


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    detail: str = ""


@runtime_checkable
class Channel(Protocol):
    """An outbound channel: a name, and `send` returning one result per message, in order."""

    name: str

    def send(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]: ...


class EmailChannel:
    """Email through Django's configured backend (SMTP in production, locmem in tests)."""

    name = "email"

    def send(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        outgoing: list[tuple[int, EmailMessage]] = []
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        for index, message in enumerate(messages):
            if not message.email:
                results.append(DeliveryResult(False, "no email address"))
                continue
            body = f"{message.body}\n\n{message.url}" if message.url else message.body
            outgoing.append((index, EmailMessage(subject=message.subject, body=body, from_email=sender,
                                                 to=[message.email])))
            results.append(DeliveryResult(True))
        if outgoing:
            connection = get_connection(fail_silently=False)
            try:
                connection.send_messages([mail for _index, mail in outgoing])
            except Exception as exc:  # the whole batch failed: record the reason on each message
                for index, _mail in outgoing:
                    results[index] = DeliveryResult(False, f"{type(exc).__name__}: {exc}"[:300])
        return results


_CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    if not isinstance(channel, Channel):
        raise TypeError(f"{channel!r} does not implement the Channel interface")
    _CHANNELS[channel.name] = channel


def get_channel(name: str) -> Channel | None:
    return _CHANNELS.get(name)


def channel_names() -> list[str]:
    return sorted(_CHANNELS)


register_channel(EmailChannel())


def site_url(path: str) -> str:
    base = getattr(settings, "DEVZONE_SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if path else ""


def deliver(notification_ids: Iterable[int], channels: Sequence[str]) -> int:
    """Send copies of the notifications through `channels`; returns the number delivered."""
    ids = list(notification_ids)
    if not ids or not channels:
        return 0
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("pk"))
    messages = [OutboundMessage(
        notification_id=n.pk, recipient_name=str(n.recipient), email=n.recipient.email or "",
        phone=getattr(n.recipient, "phone", "") or "", subject=n.title, body=n.body, url=site_url(n.url),
    ) for n in notifications]
    rows: list[NotificationDelivery] = []
    now = timezone.now()
    for name in channels:
        channel = get_channel(name)
        if channel is None:
            rows += [NotificationDelivery(notification_id=m.notification_id, channel=name[:32], ok=False,
                                          detail="unknown channel", at=now) for m in messages]
            continue
        try:
            results = channel.send(messages)
        except Exception as exc:
            log.exception("notification channel %s failed", name)
            results = [DeliveryResult(False, f"{type(exc).__name__}: {exc}"[:300])] * len(messages)
        rows += [NotificationDelivery(notification_id=m.notification_id, channel=name, ok=r.ok, detail=r.detail,
                                      at=now) for m, r in zip(messages, results, strict=True)]
    NotificationDelivery.objects.bulk_create(rows)
    return sum(1 for row in rows if row.ok)


def deliver_after_commit(notification_ids: list[int], channels: Sequence[str]) -> None:
    """Outbound copies leave only once the change that caused them is committed."""
    if notification_ids and channels:
        ids, names = list(notification_ids), list(channels)
        transaction.on_commit(lambda: deliver(ids, names))
