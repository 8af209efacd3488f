"""API for the chain maps (mounted at /api/v1/chains): chains with strength tallies, one chain's tree, a link's
contents, and the gap list."""


from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.chains import selectors, services
from devzone.chains.models import ChainSegment, Strength

router = Router(tags=["chains"])


class ChainOut(Schema):
    id: int
    name: str
    description: str
    industry_codes: str
    leader_name: str
    leader_post: str
    anchor_enterprise_ids: list[int]
    links: int
    strong: int
    weak: int
    missing: int
    updated_at: datetime


class CandidateOut(Schema):
    id: int
    name: str
    tags: list[str]


class LinkOut(Schema):
    id: int
    name: str
    segment_id: int
    position: ChainSegment.Position
    segment_name: str
    industry_codes: str
    keywords: str
    key_link: bool
    strength: Strength
    enterprises: int
    above_size: int
    projects: int
    leads: int
    candidates: list[CandidateOut] = []
    updated_at: datetime


class ChainDetailOut(Schema):
    id: int
    name: str
    leader_name: str
    leader_post: str
    anchor_enterprise_ids: list[int]
    links: list[LinkOut]


class LinkDetailOut(LinkOut):
    chain_id: int
    enterprise_ids: list[int]
    lead_ids: list[int]
    project_ids: list[int]


class ChainIn(Schema):
    name: str
    description: str = ""
    industry_codes: str = ""
    leader_name: str = ""
    leader_post: str = ""
    sort_order: int = 0


class LinkIn(Schema):
    segment_id: int
    name: str
    industry_codes: str = ""
    keywords: str = ""
    key_link: bool = False
    note: str = ""
    sort_order: int = 0


class LinkPatch(Schema):
    updated_at: datetime
    name: str | None = None
    industry_codes: str | None = None
    keywords: str | None = None
    key_link: bool | None = None
    note: str | None = None
    sort_order: int | None = None


def _link_out(view: selectors.LinkView) -> dict:
    link = view.link
    return {"id": link.pk, "name": link.name, "segment_id": link.segment_id, "position": link.segment.position,
            "segment_name": link.segment.name, "industry_codes": link.industry_codes, "keywords": link.keywords,
            "key_link": link.key_link, "strength": view.strength, "enterprises": view.enterprises,
            "above_size": view.above_size, "projects": view.projects, "leads": view.leads,
            "candidates": [{"id": t.pk, "name": t.name, "tags": t.tag_labels()} for t in view.candidates],
            "updated_at": link.updated_at}


def _chain_out(summary: selectors.ChainSummary) -> dict:
    chain = summary.chain
    return {"id": chain.pk, "name": chain.name, "description": chain.description,
            "industry_codes": chain.industry_codes, "leader_name": chain.leader_name,
            "leader_post": chain.leader_post,
            "anchor_enterprise_ids": [e.pk for e in chain.anchor_enterprises.all()], "links": summary.links,
            "strong": summary.strong, "weak": summary.weak, "missing": summary.missing,
            "updated_at": chain.updated_at}


@router.get("", response={200: list[ChainOut], **READ_ERRORS}, summary="产业链列表")
def list_chains(request: HttpRequest):
    return [_chain_out(s) for s in selectors.chain_list()]


@router.get("/gaps", response={200: list[LinkOut], **READ_ERRORS}, summary="缺链、弱链清单(按图索骥)")
def gaps(request: HttpRequest, chain: int | None = None, strength: Strength | None = None):
    filters = {k: v for k, v in {"chain": chain, "strength": strength}.items() if v}
    return [_link_out(v) for v in selectors.gap_list(user=request.user, filters=filters)]


@router.get("/links/{link_id}", response={200: LinkDetailOut, **READ_ERRORS}, summary="产业链环节详情")
def get_link(request: HttpRequest, link_id: int):
    detail = selectors.link_detail(user=request.user, link_id=link_id)
    detail.view.candidates = detail.candidates
    return {**_link_out(detail.view), "chain_id": detail.view.link.segment.chain_id,
            "enterprise_ids": [e.pk for e in detail.enterprises], "lead_ids": [x.pk for x in detail.leads],
            "project_ids": [p.pk for p in detail.projects]}


@router.patch("/links/{link_id}", response={200: LinkDetailOut, **ERRORS}, summary="修改产业链环节(乐观锁)")
def update_link(request: HttpRequest, link_id: int, payload: LinkPatch):
    link = selectors.link_get(link_id=link_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.link_update(actor=request.user, link=link, data=data, expected_updated_at=expected)
    return get_link(request, link_id)


@router.get("/{chain_id}", response={200: ChainDetailOut, **READ_ERRORS}, summary="产业链图谱")
def get_chain(request: HttpRequest, chain_id: int):
    chain, segments = selectors.chain_map(chain_id=chain_id)
    return {"id": chain.pk, "name": chain.name, "leader_name": chain.leader_name, "leader_post": chain.leader_post,
            "anchor_enterprise_ids": [e.pk for e in chain.anchor_enterprises.all()],
            "links": [_link_out(v) for _segment, views in segments for v in views]}


@router.post("", response={201: ChainOut, **ERRORS}, summary="新建产业链(含上中下游三个链段)")
def create_chain(request: HttpRequest, payload: ChainIn):
    chain = services.chain_create(actor=request.user, data=payload.dict())
    summary = next(s for s in selectors.chain_list() if s.chain.pk == chain.pk)
    return Status(201, _chain_out(summary))


@router.post("/{chain_id}/links", response={201: LinkDetailOut, **ERRORS}, summary="新增产业链环节")
def create_link(request: HttpRequest, chain_id: int, payload: LinkIn):
    chain = selectors.chain_get(chain_id=chain_id)
    data = payload.dict()
    segment_id = data.pop("segment_id")
    segment = next((s for s in chain.segments.all() if s.pk == segment_id), None)
    if segment is None:
        raise services.ValidationFailed("链段不属于该产业链", details=[{"field": "segment_id", "message": "无效"}])
    link = services.link_create(actor=request.user, data={**data, "segment": segment})
    return Status(201, get_link(request, link.pk))
