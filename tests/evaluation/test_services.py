"""Services: scheme copies checked by the engine, which copy a run uses, publishing rules, vetoes, policies."""

from __future__ import annotations

import pytest

from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.evaluation import services
from devzone.evaluation.engine import Scheme
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun, PolicyRule, SchemeVersion, VetoRecord

YEAR = 2025


def _mujun_yaml() -> str:
    return services.builtin_yaml("mujun")


def test_a_bad_formula_is_refused_with_the_engines_message(org):
    bad = _mujun_yaml().replace("formula: tax / land_mu", "formula: (tax / land_mu", 1)
    with pytest.raises(ValidationFailed) as caught:
        services.scheme_version_create(actor=org.city_user, yaml_text=bad)
    assert "tax_per_mu 的公式有误" in caught.value.message and "括号" in caught.value.message
    assert caught.value.details[0]["field"] == "yaml_text"
    assert not SchemeVersion.objects.exists()


@pytest.mark.parametrize(("text", "fragment"), [
    ("key: mujun\n  name: [", "YAML 无法解析"),
    ("key: x\nname: y\n", "inputs"),
])
def test_unreadable_or_incomplete_yaml_is_refused(org, text, fragment):
    with pytest.raises(ValidationFailed, match=fragment):
        services.scheme_version_create(actor=org.admin, yaml_text=text)


def test_an_edited_copy_is_versioned_and_used_by_new_runs(org, mujun_city, django_capture_on_commit_callbacks):
    heavier = _mujun_yaml().replace("formula: tax / land_mu, weight: 40", "formula: tax / land_mu, weight: 50")
    first = services.scheme_version_create(actor=org.city_user, yaml_text=heavier, note="亩均税收权重 50")
    assert first.version == 1 and not first.active and first.key == "mujun"
    second = services.scheme_version_create(actor=org.industry_user, yaml_text=heavier, activate=True)
    assert second.version == 2 and second.active
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=YEAR)
    assert run.scheme_version == second and "weight: 50" in run.scheme_yaml
    assert Scheme.from_yaml(run.scheme_yaml).indicator("tax_per_mu").weight == 50
    services.scheme_version_activate(actor=org.city_user, version=first)
    second.refresh_from_db()
    assert not second.active and SchemeVersion.objects.filter(active=True).get() == first
    services.scheme_version_deactivate(actor=org.city_user, version=first)
    text, version = services.scheme_source("mujun")
    assert version is None and text == _mujun_yaml()
    run.refresh_from_db()
    assert "weight: 50" in run.scheme_yaml  # the run keeps the copy it used
    assert AuditEvent.objects.filter(object_type="evaluation.schemeversion", action="create").count() == 2


def test_only_managers_edit_schemes(org):
    with pytest.raises(PermissionDenied):
        services.scheme_version_create(actor=org.county1_user, yaml_text=_mujun_yaml())


def test_publish_and_unpublish(org, mujun_city, run_now):
    run = run_now(org.city_user)
    with pytest.raises(PermissionDenied):
        services.evaluation_run_publish(actor=org.county1_user, run=run)
    published = services.evaluation_run_publish(actor=org.industry_user, run=run)
    assert published.published and published.published_by == org.industry_user and published.published_at
    assert AuditEvent.objects.filter(action="publish", object_id=str(run.pk)).exists()
    with pytest.raises(Conflict):
        services.evaluation_run_delete(actor=org.city_user, run=run)
    withdrawn = services.evaluation_run_unpublish(actor=org.city_user, run=run)
    assert not withdrawn.published and withdrawn.published_at is None
    assert AuditEvent.objects.filter(action="unpublish", object_id=str(run.pk)).exists()
    services.evaluation_run_delete(actor=org.city_user, run=run)
    assert not EvaluationRun.objects.exists() and not EvaluationResultRow.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="evaluation.evaluationrun").exists()


def test_a_queued_run_cannot_be_published(org, mujun_city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=YEAR)
    with pytest.raises(Conflict):
        services.evaluation_run_publish(actor=org.city_user, run=run)
    with pytest.raises(Conflict):
        services.evaluation_run_delete(actor=org.city_user, run=run)


def test_vetoes_by_role_and_jurisdiction(org, make_enterprise):
    from devzone.core import services as core_services
    from devzone.core.models import Role

    mine = make_enterprise(region=org.county1, above_size=True)
    data = {"enterprise": mine, "year": YEAR, "kind": "environment", "reason": "重大环境污染事件"}
    with pytest.raises(PermissionDenied):
        services.veto_create(actor=org.county1_user, data=data)  # counties do not record vetoes
    with pytest.raises(PermissionDenied):
        services.veto_create(actor=org.city_user, data=data)  # nor does the project office
    supervisor = core_services.user_create(actor=None, username="dcs", password=None,
                                           roles=[Role.Code.SUPERVISION], region=org.county2)
    with pytest.raises(NotFound):
        services.veto_create(actor=supervisor, data=data)  # outside its county
    veto = services.veto_create(actor=org.industry_user, data=data)
    assert veto.created_by == org.industry_user
    event = AuditEvent.objects.get(object_type="evaluation.vetorecord", action="create")
    assert event.after["reason"] == "重大环境污染事件"
    with pytest.raises(ValidationFailed):
        services.veto_create(actor=org.industry_user, data={**data, "reason": ""})
    services.veto_delete(actor=org.admin, veto=veto)
    assert not VetoRecord.objects.exists()
    assert AuditEvent.objects.filter(object_type="evaluation.vetorecord", action="delete").exists()


def test_policies_are_for_administrators(org):
    with pytest.raises(PermissionDenied):
        services.policy_rule_create(actor=org.city_user, data={"class_key": "D", "category": "water", "text": "x"})
    rule = services.policy_rule_create(actor=org.admin, data={"class_key": "D", "category": "water",
                                                              "text": "每立方米加价 1 元"})
    rule = services.policy_rule_update(actor=org.admin, rule=rule, data={"text": "每立方米加价 2 元"},
                                       expected_updated_at=rule.updated_at)
    assert PolicyRule.objects.get(pk=rule.pk).text == "每立方米加价 2 元"
    services.policy_rule_delete(actor=org.admin, rule=rule)
    assert not PolicyRule.objects.filter(pk=rule.pk).exists()
