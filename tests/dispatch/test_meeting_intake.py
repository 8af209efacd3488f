"""Meeting intake in the platform: drafts matched to real units, nothing created before review, all or none."""

from __future__ import annotations

from datetime import date

import pytest

from devzone.core.errors import ValidationFailed
from devzone.dispatch import services
from devzone.dispatch.intake import ConfirmedDraft, confirm_drafts, match_unit, review_speech
from devzone.dispatch.models import Task

SPEECH = ("同志们,今天召开全市重点项目推进会。"
          "由市工信局负责,研究设立全市每月一次的“企业服务日”,4月15日之前拿出方案。"
          "澜江区发改局要抓紧协调园区道路问题,确保一周内打通。"
          "去年全市经济保持平稳增长。")


@pytest.fixture
def meeting(org, units):
    return services.meeting_create(actor=org.city_user, data={
        "title": "全市重点项目推进会", "kind": "monthly", "held_on": date(2026, 3, 10), "region": org.city})


def test_owner_names_are_matched_to_units(org, units):
    all_units = [units.c1_ndrc, units.city_industry, units.supervision]
    assert match_unit(["市工信局"], all_units) == units.city_industry
    assert match_unit(["澜江区发改局"], all_units) == units.c1_ndrc
    assert match_unit(["工信局"], all_units) == units.city_industry
    assert match_unit(["市外办"], all_units) is None


def test_review_proposes_drafts_with_units_and_dates(org, units, meeting):
    review = review_speech(text=SPEECH, meeting=meeting, units=[units.c1_ndrc, units.city_industry])
    sentences = [d.sentence for d in review.drafts]
    assert len(sentences) == 2 and not any("去年" in s for s in sentences)
    first, second = review.drafts
    assert first.unit == units.city_industry and first.due_date == date(2026, 4, 15)
    assert second.unit == units.c1_ndrc and second.due_date == date(2026, 3, 17)
    highlighted = [text for text, index in review.segments if index is not None]
    assert highlighted == sentences
    assert not Task.objects.exists()  # nothing is created by a review


def test_confirm_is_all_or_none(org, units, meeting):
    good = ConfirmedDraft(title="企业服务日方案", commitment="研究设立企业服务日", lead_unit=units.city_industry,
                          due_date=date(2026, 4, 15), row=0)
    missing = ConfirmedDraft(title="道路", commitment="协调道路", lead_unit=None, due_date=date(2026, 3, 17), row=1)
    with pytest.raises(ValidationFailed) as exc:
        confirm_drafts(actor=org.city_user, meeting=meeting, drafts=[good, missing])
    assert "第 2 条" in exc.value.details[0]["message"]
    assert not Task.objects.exists()
    tasks = confirm_drafts(actor=org.city_user, meeting=meeting, drafts=[good])
    assert tasks[0].meeting == meeting and tasks[0].source == Task.Source.MEETING


def test_intake_pages(org, units, meeting, login, django_assert_max_num_queries):
    client = login(org.city_user)
    url = f"/dispatch/meetings/{meeting.pk}/intake/"
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(15):
        page = client.post(url, {"step": "extract", "text": SPEECH})
    assert page.status_code == 200 and 'data-testid="draft-1"' in page.content.decode()
    assert not Task.objects.exists()
    response = client.post(url, {
        "step": "confirm", "text": SPEECH,
        "include_0": "on", "title_0": "企业服务日方案", "unit_0": units.city_industry.pk, "due_0": "2026-04-15",
        "title_1": "道路", "unit_1": "", "due_1": ""})
    assert response.status_code == 302
    assert list(Task.objects.values_list("title", flat=True)) == ["企业服务日方案"]


def test_intake_page_of_another_jurisdiction_is_404(org, units, meeting, login):
    assert login(org.county2_user).get(f"/dispatch/meetings/{meeting.pk}/intake/").status_code == 404
    assert login(org.observer).get(f"/dispatch/meetings/{meeting.pk}/intake/").status_code == 404
