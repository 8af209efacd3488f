"""The audit chain: every write appends an event; tampering with rows behind the application is detected."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from devzone.cli import main
from devzone.core import audit, services
from devzone.core.models import AuditEvent, AuditHead


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_writes_append_chained_events(org):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert audit.verify_chain().ok


def test_update_records_before_and_after(org):
    services.zone_update(actor=org.admin, zone=org.zone1, data={"short_name": "经开区"})
    event = AuditEvent.objects.filter(object_type="core.zone", action="update").latest("seq")
    assert event.before == {"short_name": ""}
    assert event.after == {"short_name": "经开区"}
    assert event.actor_username == "admin"


def test_edited_event_is_detected(org):
    victim = AuditEvent.objects.order_by("seq")[2]
    _tamper(f"UPDATE {AuditEvent._meta.db_table} SET object_repr = %s WHERE seq = %s", ["篡改", victim.seq])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_seq == victim.seq


def test_edited_json_payload_is_detected(org):
    victim = AuditEvent.objects.filter(action="create", object_type="core.zone").first()
    _tamper(f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE seq = %s",
            ['{"name": "伪造"}', victim.seq])
    assert audit.verify_chain().broken_seq == victim.seq


def test_deleted_event_in_the_middle_is_detected(org):
    victim = AuditEvent.objects.order_by("seq")[3]
    _tamper(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [victim.seq])
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == victim.seq


def test_deleted_last_event_is_detected(org):
    last = AuditEvent.objects.order_by("-seq").first()
    _tamper(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [last.seq])
    report = audit.verify_chain()
    assert not report.ok and "链尾" in report.reason


def test_rewritten_chain_without_head_is_detected(org):
    """Re-hashing an edited event hides it from the next one only if the head is forged too."""
    AuditHead.objects.update(last_hash="f" * 64)
    assert not audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_cli_verify_exit_codes(org, capsys):
    assert main(["audit", "verify"]) == 0
    assert "审计链完整" in capsys.readouterr().out
    victim = AuditEvent.objects.order_by("seq")[1]
    _tamper(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE seq = %s", ["delete", victim.seq])
    assert main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert f"#{victim.seq}" in err and err[-1] == "\n" and err.count("\n") == 1
