"""Projects behind a chain link. The projects app is built separately: while its Project model carries the chain
link as text, a project counts for a link whose name (or "chain/link" label) equals that text; once Project has a
foreign key `chain_link` to ChainLink, the key is used. Without a Project model there are no projects to show."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q

from devzone.chains.models import ChainLink
from devzone.core.jurisdiction import scope_for


def _project_field():
    try:
        model = apps.get_model("projects", "Project")
    except LookupError:
        return None, None
    try:
        return model, model._meta.get_field("chain_link")
    except FieldDoesNotExist:
        return model, None


def _labels(link: ChainLink) -> list[str]:
    return [link.name, f"{link.segment.chain.name}/{link.name}", f"{link.segment.chain.name}-{link.name}"]


def _text_match(links) -> tuple[Q, dict[str, list[int]]]:
    by_label: dict[str, list[int]] = {}
    for link in links:
        for label in _labels(link):
            by_label.setdefault(label, []).append(link.pk)
    return Q(chain_link__in=list(by_label)), by_label


def project_counts(links: list[ChainLink]) -> dict[int, int]:
    model, field = _project_field()
    if field is None or not links:
        return {}
    if field.is_relation:
        return dict(model.objects.filter(chain_link__in=links).order_by().values_list("chain_link_id")
                    .annotate(n=Count("pk")))
    links = [link for link in ChainLink.objects.filter(pk__in=[x.pk for x in links]).select_related("segment__chain")]
    match, by_label = _text_match(links)
    counts: dict[int, int] = {}
    for label, n in model.objects.filter(match).order_by().values_list("chain_link").annotate(n=Count("pk")):
        for link_id in by_label.get(label, []):
            counts[link_id] = counts.get(link_id, 0) + n
    return counts


def projects_for(*, user, link: ChainLink, limit: int = 200) -> list:
    model, field = _project_field()
    if field is None:
        return []
    qs = model.objects.filter(scope_for(user).region_q())
    qs = qs.filter(chain_link=link) if field.is_relation else qs.filter(_text_match([link])[0])
    return list(qs.select_related("region").order_by("-pk")[:limit])
