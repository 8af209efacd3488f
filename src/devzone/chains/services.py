"""Writes for the chain maps: chains, segments, links, the enterprises behind a link, the 链主. Chains are city-wide
reference data: investment and industry bureaus and administrators edit them; everything is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from devzone.chains.models import Chain, ChainLink, ChainSegment
from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited
from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.models import Role, User
from devzone.core.services import _only_fields, role_codes
from devzone.enterprises.models import Enterprise

EDITOR_ROLES = {Role.Code.INVESTMENT, Role.Code.INDUSTRY}
CHAIN_FIELDS = {"name", "description", "industry_codes", "leader_name", "leader_post", "sort_order"}
SEGMENT_FIELDS = {"position", "name", "sort_order"}
LINK_FIELDS = {"segment", "name", "industry_codes", "keywords", "key_link", "note", "sort_order"}


def can_edit_chains(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or role_codes(user) & EDITOR_ROLES))


def ensure_chain_editor(user: User) -> None:
    if not can_edit_chains(user):
        raise PermissionDenied("只有商务局、工信局或系统管理员可以维护产业链图谱")


@transaction.atomic
def chain_create(*, actor: User, data: Mapping[str, Any]) -> Chain:
    """Create a chain with its three segments (上游, 中游, 下游), which links are then added to."""
    ensure_chain_editor(actor)
    chain = create_audited(actor=actor, instance=Chain(**_only_fields(data, CHAIN_FIELDS)))
    for order, (position, label) in enumerate(ChainSegment.Position.choices):
        create_audited(actor=actor, instance=ChainSegment(chain=chain, position=position, name=str(label),
                                                          sort_order=order))
    return chain


@transaction.atomic
def chain_update(*, actor: User, chain: Chain, data: Mapping[str, Any],
                 expected_updated_at: datetime | None = None) -> Chain:
    ensure_chain_editor(actor)
    return update_audited(actor=actor, instance=chain, data=_only_fields(data, CHAIN_FIELDS),
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def chain_set_anchors(*, actor: User, chain: Chain, enterprises: Iterable[Enterprise]) -> Chain:
    """Name the chain-owner enterprises (链主)."""
    ensure_chain_editor(actor)
    enterprises = list(enterprises)
    before = sorted(chain.anchor_enterprises.values_list("pk", flat=True))
    chain.anchor_enterprises.set(enterprises)
    audit.record(actor=actor, action="update", instance=chain, before={"anchor_enterprises": before},
                 after={"anchor_enterprises": sorted(e.pk for e in enterprises)})
    return chain


@transaction.atomic
def segment_create(*, actor: User, chain: Chain, data: Mapping[str, Any]) -> ChainSegment:
    ensure_chain_editor(actor)
    return create_audited(actor=actor, instance=ChainSegment(chain=chain, **_only_fields(data, SEGMENT_FIELDS)))


@transaction.atomic
def link_create(*, actor: User, data: Mapping[str, Any]) -> ChainLink:
    ensure_chain_editor(actor)
    data = _only_fields(data, LINK_FIELDS)
    if data.get("segment") is None:
        raise ValidationFailed("请选择所属链段", details=[{"field": "segment", "message": "必填"}])
    return create_audited(actor=actor, instance=ChainLink(**data))


@transaction.atomic
def link_update(*, actor: User, link: ChainLink, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None) -> ChainLink:
    ensure_chain_editor(actor)
    return update_audited(actor=actor, instance=link, data=_only_fields(data, LINK_FIELDS),
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def link_delete(*, actor: User, link: ChainLink) -> None:
    ensure_chain_editor(actor)
    delete_audited(actor=actor, instance=link)


@transaction.atomic
def link_set_enterprises(*, actor: User, link: ChainLink, enterprises: Iterable[Enterprise]) -> ChainLink:
    """Replace the local enterprises behind a link."""
    ensure_chain_editor(actor)
    enterprises = list(enterprises)
    before = sorted(link.enterprises.values_list("pk", flat=True))
    link.enterprises.set(enterprises)
    audit.record(actor=actor, action="update", instance=link, before={"enterprises": before},
                 after={"enterprises": sorted(e.pk for e in enterprises)})
    return link
