"""Batch reads: a user's own batches only (administrators see all), filters, sorting, 404 for the rest."""

from __future__ import annotations

import pytest

from devzone.core.errors import NotFound
from devzone.intake import selectors, services


def batch(user, make_xlsx, simple_rows, n: int = 2):
    return services.batch_create(actor=user, kind="enterprises", data=make_xlsx(simple_rows(n)), filename="a.xlsx")


def test_batches_are_scoped_to_their_uploader(org, make_xlsx, simple_rows):
    mine = batch(org.county1_user, make_xlsx, simple_rows)
    theirs = batch(org.city_user, make_xlsx, simple_rows)
    assert list(selectors.batch_list(user=org.county1_user)) == [mine]
    assert set(selectors.batch_list(user=org.admin)) == {mine, theirs}
    assert selectors.batch_get(user=org.county1_user, batch_id=mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.batch_get(user=org.county1_user, batch_id=theirs.pk)
    with pytest.raises(NotFound):
        selectors.batch_get(user=org.county1_user, batch_id=999_999)


def test_filters_and_sorting(org, make_xlsx, simple_rows):
    small = batch(org.county1_user, make_xlsx, simple_rows, 1)
    large = batch(org.county1_user, make_xlsx, simple_rows, 5)
    services.batch_cancel(actor=org.county1_user, batch=small)
    user = org.county1_user
    assert list(selectors.batch_list(user=user, filters={"status": "cancelled"})) == [small]
    assert list(selectors.batch_list(user=user, filters={"kind": "projects"})) == []
    assert list(selectors.batch_list(user=user, filters={"sort": "-rows"})) == [large, small]
    assert list(selectors.batch_list(user=user)) == [large, small]  # newest first
