"""The audit trail (电子留痕): append-only events chained by SHA-256.

Each event's hash covers its own content and the previous event's hash; the single AuditHead row is
locked while appending, so concurrent writers on PostgreSQL append one after the other, and it keeps the
last sequence number and hash so that deleting the newest events is detected as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from devzone.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ("password",)) -> dict:
    """JSON-safe field values of `instance` (decimals and dates as strings), for before/after."""
    fields = [f.name for f in instance._meta.concrete_fields if f.name not in exclude]
    data = model_to_dict(instance, fields=fields)
    for field in instance._meta.concrete_fields:
        if field.name in data and field.is_relation:
            data[field.name] = getattr(instance, field.attname)
    return to_json_safe(data)


def to_json_safe(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def object_type_of(instance: models.Model) -> str:
    return instance._meta.label_lower


def _event_payload(*, seq: int, created_at: datetime, actor_id, actor_username: str, action: str,
                   object_type: str, object_id: str, object_repr: str, before, after) -> str:
    payload = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def record(*, actor, action: str, instance: models.Model | None = None, object_type: str = "",
           object_id: str = "", object_repr: str = "", before: dict | None = None,
           after: dict | None = None) -> AuditEvent:
    """Append one event. Call inside the service's transaction so the event and the change commit together."""
    if instance is not None:
        object_type = object_type or object_type_of(instance)
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:200]
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_username = actor.get_username() if actor_id else ""
    before, after = to_json_safe(before), to_json_safe(after)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq + 1
        created_at = timezone.now()
        payload = _event_payload(
            seq=seq, created_at=created_at, actor_id=actor_id, actor_username=actor_username, action=action,
            object_type=object_type, object_id=object_id, object_repr=object_repr, before=before, after=after,
        )
        digest = compute_hash(head.last_hash, payload)
        event = AuditEvent.objects.create(
            seq=seq, created_at=created_at, actor_id=actor_id, actor_username=actor_username, action=action,
            object_type=object_type, object_id=object_id, object_repr=object_repr, before=before, after=after,
            prev_hash=head.last_hash, hash=digest,
        )
        head.last_seq, head.last_hash = seq, digest
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def _events_in_order(batch_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)


def verify_chain() -> ChainReport:
    """Recompute every hash; report the first event that was edited, removed or inserted behind our back."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"第 {expected_seq} 号事件缺失(被删除)")
        payload = _event_payload(
            seq=event.seq, created_at=event.created_at, actor_id=event.actor_id,
            actor_username=event.actor_username, action=event.action, object_type=event.object_type,
            object_id=event.object_id, object_repr=event.object_repr, before=event.before, after=event.after,
        )
        if event.prev_hash != prev_hash:
            reason = f"第 {event.seq} 号事件的前序哈希不符(前一事件被改动或删除)"
            return ChainReport(False, checked, event.seq, reason)
        if compute_hash(prev_hash, payload) != event.hash:
            return ChainReport(False, checked, event.seq, f"第 {event.seq} 号事件内容被改动")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        reason = f"链尾不符:应有 {head_seq} 条事件,实有 {checked} 条(末尾事件被删除)"
        return ChainReport(False, checked, checked + 1, reason)
    return ChainReport(True, checked)
