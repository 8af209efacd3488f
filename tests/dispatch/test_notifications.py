"""Outbound channels: email through Django's backend (locmem in tests), a pluggable adapter, failures recorded,
nothing leaves before the transaction commits; the OpenAPI document includes the dispatch endpoints."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from django.core import mail
from django.test import Client

from devzone.dispatch import notifications, services
from devzone.dispatch.models import DispatchRules, Notification, NotificationDelivery
from devzone.dispatch.notifications import DeliveryResult, OutboundMessage


class RecordingSms:
    """An SMS adapter for the test: keeps what it was asked to send."""

    name = "sms-test"

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def send(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        self.sent += messages
        return [DeliveryResult(bool(m.phone), "" if m.phone else "no phone number") for m in messages]


class BrokenChannel:
    name = "broken-test"

    def send(self, messages):
        raise ConnectionError("gateway unreachable")


@pytest.fixture
def sms():
    channel = RecordingSms()
    notifications.register_channel(channel)
    notifications.register_channel(BrokenChannel())
    yield channel
    notifications._CHANNELS.pop(channel.name, None)
    notifications._CHANNELS.pop("broken-test", None)


def test_channels_follow_the_rules_row(org, units, make_problem, sms, django_capture_on_commit_callbacks):
    DispatchRules.objects.filter(pk=1).update(outbound_channels="email, sms-test, broken-test, fax")
    units.c1_clerk.phone = "13800000000"
    units.c1_clerk.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_assign(actor=org.city_user, problem=make_problem(), lead_unit=units.c1_ndrc)
    note = Notification.objects.get(recipient=units.c1_clerk)
    by_channel = {d.channel: d for d in note.deliveries.all()}
    assert by_channel["email"].ok and by_channel["sms-test"].ok
    assert not by_channel["broken-test"].ok and "gateway unreachable" in by_channel["broken-test"].detail
    assert by_channel["fax"].detail == "unknown channel"
    assert [m.phone for m in sms.sent if m.notification_id == note.pk] == ["13800000000"]
    county_note = Notification.objects.get(recipient=org.county1_user)
    assert county_note.deliveries.get(channel="sms-test").detail == "no phone number"
    assert county_note.deliveries.get(channel="email").detail == "no email address"
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == note.title


def test_no_outbound_channel_means_inbox_only(org, units, make_problem, django_capture_on_commit_callbacks):
    DispatchRules.objects.filter(pk=1).update(outbound_channels="")
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_assign(actor=org.city_user, problem=make_problem(), lead_unit=units.c1_ndrc)
    assert Notification.objects.count() == 2 and not NotificationDelivery.objects.exists() and mail.outbox == []


def test_a_channel_must_implement_the_interface():
    with pytest.raises(TypeError):
        notifications.register_channel(object())
    assert "email" in notifications.channel_names()


def test_the_same_step_reaches_a_person_once(org, units):
    first = services.notify(recipients=[units.c1_clerk, units.c1_clerk], kind="reminder", title="提醒", key="k1")
    again = services.notify(recipients=[units.c1_clerk], kind="reminder", title="提醒", key="k1")
    assert len(first) == 1 and again == [] and Notification.objects.count() == 1


def test_openapi_lists_the_dispatch_endpoints(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/problems", "/api/v1/problems/{problem_id}/assign", "/api/v1/tasks",
                 "/api/v1/meetings/{meeting_id}/decisions", "/api/v1/notifications", "/api/v1/problems/kpis"):
        assert path in paths
