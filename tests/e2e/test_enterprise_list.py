"""In a real browser: sign in as `city`, open the enterprise list, filter it, download the Excel export."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from tests_support import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_city_filters_enterprises_and_exports(org, make_enterprise, page, tmp_path):
    tech = make_enterprise(name="澜江瑞丰光电有限公司", high_tech=True)
    make_enterprise(name="澜江普通机械有限公司")
    make_enterprise(name="北湖恒泰纺织有限公司", region=org.county2, high_tech=True)

    page.goto("/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "city" in page.get_by_test_id("current-user").inner_text()

    page.goto("/enterprises/")
    assert page.get_by_test_id("total").inner_text() == "共 3 条"
    page.get_by_label("高新技术企业").check()
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**flag=high_tech**")
    assert page.get_by_test_id("total").inner_text() == "共 2 条"
    page.fill("#id_q", "瑞丰")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**q=**")
    assert page.get_by_test_id("total").inner_text() == "共 1 条"
    assert page.get_by_role("link", name=tech.name).is_visible()

    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    target = tmp_path / "export.xlsx"
    download_info.value.save_as(target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert [row[1] for row in rows[3:]] == [tech.name]
    assert rows[3][0] == tech.credit_code
