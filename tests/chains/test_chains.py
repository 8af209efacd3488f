"""Chain maps: strength on a known fixture, thresholds from settings, projects counting as presence, the gap list
with candidate targets and its export, the map page and link panel (scoped names), editing rights, the API."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from devzone.attraction import services as attraction_services
from devzone.chains import selectors, services
from devzone.chains.config import chain_settings
from devzone.chains.models import Strength
from devzone.chains.strength import link_strength
from devzone.core.errors import PermissionDenied
from devzone.core.services import api_token_create
from devzone.projects import services as project_services


def _strengths(fixture) -> dict[str, str]:
    _chain, segments = selectors.chain_map(chain_id=fixture.chain.pk)
    return {v.link.name: v.strength for _s, views in segments for v in views}


def test_strength_on_the_known_fixture(textile):
    assert _strengths(textile) == {"纺纱": "strong", "印染": "weak", "品牌服装": "missing", "家纺": "missing"}


def test_strength_rule_and_thresholds_come_from_settings(textile):
    settings = chain_settings()
    assert link_strength(enterprises=3, above_size=0, projects=0, settings=settings) == Strength.WEAK
    assert link_strength(enterprises=0, above_size=0, projects=1, settings=settings) == Strength.WEAK
    settings.strong_min_enterprises = 4
    settings.save()
    assert _strengths(textile)["纺纱"] == "weak"


def test_a_project_makes_a_link_weak_and_is_shown(org, textile):
    project = project_services.project_create(actor=org.admin, data={
        "name": "家纺产业园项目", "region": org.county1, "total_investment": Decimal("30000"),
        "chain_link": "纺织服装/家纺"})
    assert _strengths(textile)["家纺"] == "weak"
    detail = selectors.link_detail(user=org.county1_user, link_id=textile.project_only.pk)
    assert [p.pk for p in detail.projects] == [project.pk]
    assert selectors.link_detail(user=org.county2_user, link_id=textile.project_only.pk).projects == []


def test_leads_are_counted_but_do_not_change_strength(org, textile, make_lead):
    make_lead("negotiating", chain_link=textile.missing)
    make_lead("dropped", chain_link=textile.missing)
    _chain, segments = selectors.chain_map(chain_id=textile.chain.pk)
    view = next(v for _s, views in segments for v in views if v.link == textile.missing)
    assert view.strength == "missing" and view.leads == 1


def test_link_detail_names_only_what_the_reader_may_see(org, textile):
    detail = selectors.link_detail(user=org.county1_user, link_id=textile.strong.pk)
    assert len(detail.enterprises) == 2 and detail.hidden_enterprises == 1 and detail.view.enterprises == 3
    assert len(selectors.link_detail(user=org.city_user, link_id=textile.strong.pk).enterprises) == 3


def test_gap_list_with_candidates(org, textile, industry):
    attraction_services.target_create(actor=org.admin, data={"name": "远方服饰集团", "region": org.city,
                                                             "industry": industry("C18"), "china500": True})
    attraction_services.target_create(actor=org.admin, data={"name": "远方家纺", "region": org.city,
                                                             "chain_link": textile.project_only})
    attraction_services.target_create(actor=org.admin, data={"name": "北湖印染", "region": org.county2,
                                                             "chain_link": textile.weak})
    gaps = selectors.gap_list(user=org.county1_user)
    assert [(v.link.name, v.strength) for v in gaps] == [("品牌服装", "missing"), ("家纺", "missing"),
                                                         ("印染", "weak")]
    assert [[t.name for t in v.candidates] for v in gaps] == [["远方服饰集团"], ["远方家纺"], []]
    assert [v.link.name for v in selectors.gap_list(user=org.admin, filters={"strength": "weak"})] == ["印染"]


def test_pages_and_export(org, login, textile, django_assert_max_num_queries):
    client = login(org.county1_user)
    with django_assert_max_num_queries(20):
        page = client.get("/chains/").content.decode()
    assert "纺织服装" in page and "王副市长" in page
    with django_assert_max_num_queries(20):
        response = client.get(f"/chains/{textile.chain.pk}/")
    assert response.status_code == 200 and "chain-tree" in response.content.decode()
    assert response.context["tree"]["children"][0]["children"][0]["strength"] == "strong"
    panel = client.get(f"/chains/links/{textile.strong.pk}/", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.content.decode()
    assert "另有 1 个不在您的管辖范围内" in panel.content.decode()
    export = client.get("/chains/gaps/", {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[2][2] == "产业链环节" and [r[2] for r in rows[3:]] == ["品牌服装", "家纺", "印染"]
    assert client.get("/chains/999999/").status_code == 404


def test_chain_pages_query_count_does_not_grow(org, login, textile, make_enterprise, django_assert_max_num_queries):
    client = login(org.city_user)
    with django_assert_max_num_queries(20) as few:
        assert client.get(f"/chains/{textile.chain.pk}/").status_code == 200
    first = len(few.captured_queries)
    segment = textile.chain.segments.first()
    for index in range(8):
        link = services.link_create(actor=org.admin, data={"segment": segment, "name": f"环节{index}"})
        services.link_set_enterprises(actor=org.admin, link=link, enterprises=[make_enterprise()])
    with django_assert_max_num_queries(first):
        assert client.get(f"/chains/{textile.chain.pk}/").status_code == 200
    with django_assert_max_num_queries(first):
        assert client.get("/chains/gaps/").status_code == 200
    with django_assert_max_num_queries(first):
        assert client.get("/chains/").status_code == 200


def test_only_investment_industry_and_admins_edit(org, login, textile):
    with pytest.raises(PermissionDenied):
        services.chain_create(actor=org.county1_user, data={"name": "新能源汽车"})
    chain = services.chain_create(actor=org.industry_user, data={"name": "新能源汽车"})
    assert [s.position for s in chain.segments.order_by("sort_order")] == ["upstream", "midstream", "downstream"]
    assert login(org.county1_user).post("/chains/new/", {"name": "食品加工", "sort_order": 0}).status_code == 200
    client = login(org.industry_user)
    segment = textile.chain.segments.first()
    response = client.post(f"/chains/{textile.chain.pk}/links/new/", {
        "segment": segment.pk, "name": "化纤", "sort_order": 0, "enterprise_codes": ""})
    assert response.status_code == 302 and segment.links.filter(name="化纤").exists()


def test_api(org, textile):
    _token, raw = api_token_create(actor=None, user=org.county1_user)
    client = pytest.importorskip("django.test").Client(headers={"Authorization": f"Bearer {raw}"})
    chains = client.get("/api/v1/chains").json()
    assert chains[0]["name"] == "纺织服装" and (chains[0]["strong"], chains[0]["weak"], chains[0]["missing"]) == \
        (1, 1, 2)
    tree = client.get(f"/api/v1/chains/{textile.chain.pk}").json()
    assert {link["name"]: link["strength"] for link in tree["links"]}["纺纱"] == "strong"
    assert [g["name"] for g in client.get("/api/v1/chains/gaps", {"strength": "missing"}).json()] == \
        ["品牌服装", "家纺"]
    link = client.get(f"/api/v1/chains/links/{textile.strong.pk}").json()
    assert link["enterprises"] == 3 and len(link["enterprise_ids"]) == 2
    refused = client.patch(f"/api/v1/chains/links/{textile.strong.pk}", data=json.dumps(
        {"updated_at": link["updated_at"], "name": "x"}), content_type="application/json")
    assert refused.status_code == 403
    assert client.get("/api/v1/chains/999999").status_code == 404
