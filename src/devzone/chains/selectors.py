"""Reads of the chain maps: every chain with its links' contents and strength, what lies behind one link, and the
gap list (按图索骥). Chains are city-wide: counts cover the whole city; the names behind a link are scoped to the
reader's jurisdiction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from devzone.chains import project_links
from devzone.chains.config import chain_settings
from devzone.chains.models import Chain, ChainLink, ChainSegment, Strength
from devzone.chains.strength import link_strength
from devzone.core.errors import NotFound
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.models import User


@dataclass
class LinkView:
    link: ChainLink
    enterprises: int = 0
    above_size: int = 0
    leads: int = 0
    projects: int = 0
    strength: str = Strength.MISSING
    candidates: list = field(default_factory=list)

    @property
    def strength_label(self) -> str:
        return str(Strength(self.strength).label)


def chain_queryset() -> QuerySet[Chain]:
    return Chain.objects.all()


def chain_get(*, chain_id: int) -> Chain:
    qs = chain_queryset().prefetch_related(
        "anchor_enterprises",
        Prefetch("segments", queryset=ChainSegment.objects.order_by("sort_order", "pk").prefetch_related(
            Prefetch("links", queryset=ChainLink.objects.order_by("sort_order", "pk")))))
    return get_in_scope(qs, pk=chain_id)


def link_views(links: list[ChainLink]) -> list[LinkView]:
    """Counts behind each link (city-wide) and the derived strength: three or four queries for any number."""
    from devzone.attraction.models import Lead

    ids = [link.pk for link in links]
    through = ChainLink.enterprises.through
    ent = {row["chainlink_id"]: row for row in through.objects.filter(chainlink_id__in=ids).values("chainlink_id")
           .annotate(n=Count("enterprise_id"), above=Count("enterprise_id", filter=Q(enterprise__above_size=True)))}
    leads = dict(Lead.objects.filter(chain_link_id__in=ids, stage__in=Lead.OPEN_STAGES).order_by()
                 .values_list("chain_link_id").annotate(n=Count("pk")))
    projects = project_links.project_counts(links)
    settings = chain_settings()
    views = []
    for link in links:
        row = ent.get(link.pk, {"n": 0, "above": 0})
        view = LinkView(link=link, enterprises=row["n"], above_size=row["above"], leads=leads.get(link.pk, 0),
                        projects=projects.get(link.pk, 0))
        view.strength = link_strength(enterprises=view.enterprises, above_size=view.above_size,
                                      projects=view.projects, settings=settings)
        views.append(view)
    return views


@dataclass
class ChainSummary:
    chain: Chain
    links: int
    strong: int
    weak: int
    missing: int


def chain_list() -> list[ChainSummary]:
    """Every chain with its strength tally (a fixed number of queries)."""
    chains = list(chain_queryset().prefetch_related("anchor_enterprises"))
    links = list(ChainLink.objects.select_related("segment").order_by("segment__chain_id", "sort_order", "pk"))
    tally: dict[int, dict[str, int]] = {c.pk: {s: 0 for s in Strength.values} for c in chains}
    for view in link_views(links):
        tally[view.link.segment.chain_id][view.strength] += 1
    return [ChainSummary(chain=c, links=sum(tally[c.pk].values()), strong=tally[c.pk][Strength.STRONG],
                         weak=tally[c.pk][Strength.WEAK], missing=tally[c.pk][Strength.MISSING]) for c in chains]


def chain_map(*, chain_id: int) -> tuple[Chain, list[tuple[ChainSegment, list[LinkView]]]]:
    chain = chain_get(chain_id=chain_id)
    segments = list(chain.segments.all())
    views = {v.link.pk: v for v in link_views([link for s in segments for link in s.links.all()])}
    return chain, [(segment, [views[link.pk] for link in segment.links.all()]) for segment in segments]


def chain_tree_data(chain: Chain, segments: list[tuple[ChainSegment, list[LinkView]]], link_url) -> dict:
    """The ECharts tree: chain → segments → links, each link with its strength and the URL of its details."""
    from django.utils.translation import gettext as _

    return {
        "name": chain.name,
        "labels": {"enterprises": _("enterprises"), "projects": _("projects"), "leads": _("leads")},
        "children": [{
            "name": segment.label,
            "children": [{"name": view.link.name, "strength": view.strength, "strength_label": view.strength_label,
                          "value": view.enterprises, "leads": view.leads, "projects": view.projects,
                          "url": link_url(view.link)} for view in views],
        } for segment, views in segments],
    }


def link_get(*, link_id: int) -> ChainLink:
    return get_in_scope(ChainLink.objects.select_related("segment__chain"), pk=link_id)


@dataclass
class LinkDetail:
    view: LinkView
    enterprises: list
    leads: list
    projects: list
    candidates: list
    hidden_enterprises: int
    hidden_leads: int


def link_detail(*, user: User, link_id: int) -> LinkDetail:
    """What is behind one link: local enterprises, leads and projects in the reader's jurisdiction; candidates."""
    from devzone.attraction.models import Lead

    link = link_get(link_id=link_id)
    view = link_views([link])[0]
    scope = scope_for(user)
    enterprises = list(link.enterprises.filter(scope.region_q()).select_related("region", "industry")
                       .order_by("-above_size", "name")[:200])
    leads = list(Lead.objects.filter(chain_link=link).filter(scope.region_q()).select_related("region")
                 .order_by("stage", "-registered_on")[:200])
    all_leads = Lead.objects.filter(chain_link=link).count()
    return LinkDetail(view=view, enterprises=enterprises, leads=leads,
                      projects=project_links.projects_for(user=user, link=link),
                      candidates=candidates_for(user=user, links=[link]).get(link.pk, []),
                      hidden_enterprises=max(view.enterprises - len(enterprises), 0) if not scope.unrestricted
                      else 0,
                      hidden_leads=max(all_leads - len(leads), 0) if not scope.unrestricted else 0)


def candidates_for(*, user: User, links: list[ChainLink], limit: int = 10) -> dict[int, list]:
    """Directory targets that could fill each link: assigned to it, or in one of its industry classes."""
    from devzone.attraction.selectors import target_list

    if not links:
        return {}
    prefixes = {p for link in links for p in link.code_prefixes()}
    match = Q(chain_link__in=links)
    for prefix in prefixes:
        match |= Q(industry__code__startswith=prefix)
    targets = list(target_list(user=user).filter(match).order_by("-global500", "-china500", "-industry_leader",
                                                                    "name"))
    result: dict[int, list] = {}
    for link in links:
        codes = link.code_prefixes()
        result[link.pk] = [t for t in targets if t.chain_link_id == link.pk or (
            t.industry_id and any(t.industry.code.startswith(p) for p in codes))][:limit]
    return result


def gap_list(*, user: User, filters: Mapping[str, str] | None = None) -> list[LinkView]:
    """Missing and weak links (按图索骥), missing first, with candidate targets from the directory."""
    filters = filters or {}
    links = ChainLink.objects.select_related("segment__chain").order_by("segment__chain__sort_order",
                                                                        "segment__chain_id", "segment__sort_order",
                                                                        "sort_order", "pk")
    if filters.get("chain"):
        links = links.filter(segment__chain_id=filters["chain"])
    wanted = {filters["strength"]} if filters.get("strength") in (Strength.WEAK, Strength.MISSING) else {
        Strength.WEAK, Strength.MISSING}
    views = [v for v in link_views(list(links)) if v.strength in wanted]
    candidates = candidates_for(user=user, links=[v.link for v in views])
    for view in views:
        view.candidates = candidates.get(view.link.pk, [])
    order = {Strength.MISSING: 0, Strength.WEAK: 1}
    return sorted(views, key=lambda v: order[v.strength])


def ensure_exists(chain_id: int) -> None:
    if not Chain.objects.filter(pk=chain_id).exists():
        raise NotFound()
