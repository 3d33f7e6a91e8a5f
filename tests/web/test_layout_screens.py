"""Layout defects of issue 15: the search page's header said 首页 (Home) instead of its title; its
facets showed bare customer codes; the hold form asked for an internal volume id; the due
list's filters were one per line. (Sizes on screen: tests/browser/test_access_audit.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from records_dms.accounts import roles
from records_dms.archive.services import volume_create
from retention.models import LegalHold
from tests.conftest import client_for
from tests.factories import CustomerFactory, file_pdf
from tests.retention.helpers import confirm_post

pytestmark = pytest.mark.django_db


def _chinese(user: Any) -> Any:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "zh-hans"
    profile.save()
    return client_for(user)


def _breadcrumbs(html: str) -> list[str]:
    nav = html.split('class="w-breadcrumbs', 1)[1].split("</nav>", 1)[0]
    texts = [re.sub(r"<[^>]+>", " ", item) for item in nav.split("<li")[1:]]
    return [" ".join(text.split()).strip(' >"') for text in texts]


def test_the_search_page_header_names_the_search_not_home(users):
    html = _chinese(users[roles.CLERK]).get(reverse("archive:search")).content.decode()
    crumbs = _breadcrumbs(html)
    assert crumbs[-1].endswith("搜索"), crumbs  # was ["首页"] alone


def test_search_facets_show_customer_names_beside_codes(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    other = CustomerFactory.create(code="KH-0102", name="苏州远航物流有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        file_pdf(customer, actor=clerk, lines=["使用碎纸机销毁。"])
        file_pdf(other, actor=clerk, lines=["客户使用碎纸机。"])
    html = client_for(users[roles.AUDITOR]).get(reverse("archive:search"), {"q": "碎纸机"})
    body = html.content.decode()
    facets = body.split('class="search-facets"', 1)[1].split("</aside>", 1)[0]
    assert "KH-0102 苏州远航物流有限公司" in facets
    assert f"KH-0101 {customer.name}" in facets


def test_the_search_dates_are_labelled_inputs_in_one_group(users):
    html = client_for(users[roles.CLERK]).get(reverse("archive:search")).content.decode()
    dates = html.split('class="search-dates"', 1)[1].split("</fieldset>", 1)[0]
    assert '<label for="search-date-from"' in dates and 'id="search-date-from"' in dates
    assert '<label for="search-date-to"' in dates and 'id="search-date-to"' in dates


def test_the_hold_form_chooses_a_volume_by_its_reference(users, customer, clerk):
    volume = volume_create(customer=customer, title="2024年投诉", actor=clerk)
    client = _chinese(users[roles.COMPLIANCE])
    html = client.get(reverse("retention:hold_new")).content.decode()
    assert "卷 ID" not in html
    select = html.split('name="volume"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{volume.pk}">KH-0101 / 001 2024年投诉</option>' in select
    response = confirm_post(
        client, reverse("retention:hold_new"), {"reason": "审计", "volume": str(volume.pk)}
    )
    assert response.status_code == 302
    assert LegalHold.objects.get().volume == volume
    # A value that is no volume of the list is a form error, not a hold.
    response = client.post(reverse("retention:hold_new"), {"reason": "审计", "volume": "999"})
    assert response.status_code == 200 and LegalHold.objects.count() == 1


def test_the_due_list_filters_are_one_row_of_labelled_fields(users):
    html = client_for(users[roles.CLERK]).get(reverse("retention:queue")).content.decode()
    bar = html.split('class="retention-filters"', 1)[1].split("</form>", 1)[0]
    assert "flex-wrap:nowrap" in bar
    assert bar.count('class="retention-filter"') == 4
