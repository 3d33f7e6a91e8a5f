"""The search screen: a query, a facet sidebar, hits with the highlighted page text."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView
from records_dms.archive.models import RecordType
from records_dms.archive.permissions import VIEW_RECORD
from records_dms.archive.searching import SearchFilters, SearchPage, record_search
from records_dms.archive.selectors import visible_customers
from search import SearchUnavailable

PAGE_SIZE = 20


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> SearchFilters:
    years = tuple(int(y) for y in request.GET.getlist("year") if y.isdigit())
    return SearchFilters(
        customers=tuple(c.strip().upper() for c in request.GET.getlist("customer") if c.strip()),
        record_types=tuple(t for t in request.GET.getlist("type") if t in RecordType.values),
        years=years,
        date_from=_date(request.GET.get("date_from", "")),
        date_to=_date(request.GET.get("date_to", "")),
    )


class SearchView(ArchiveView):
    template_name = "archive/search.html"
    required_action = VIEW_RECORD
    header_icon = "search"

    def get_page_title(self) -> str:
        return _("Search")

    def get(self, request: HttpRequest) -> HttpResponse:
        text = request.GET.get("q", "").strip()[:500]
        filters = filters_from(request)
        try:
            number = max(1, int(request.GET.get("p", "1")))
        except ValueError:
            number = 1
        page: SearchPage | None = None
        error = ""
        if text:
            try:
                page = record_search(
                    user=request.user, text=text, filters=filters,
                    limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE,
                )  # fmt: skip
            except SearchUnavailable as problem:
                error = _("Search is unavailable: %(reason)s") % {"reason": problem}
        context = self.get_context_data(
            q=text, filters=filters, page=page, error=error, number=number,
            hits=self._hits(page), facets=self._facets(request, page),
            previous_url=self._url(request, p=number - 1) if number > 1 else "",
            next_url=(
                self._url(request, p=number + 1)
                if page and page.results.total > number * PAGE_SIZE else ""
            ),
        )  # fmt: skip
        return self.render_to_response(context)

    @staticmethod
    def _hits(page: SearchPage | None) -> list[dict[str, Any]]:
        if page is None:
            return []
        labels = dict(RecordType.choices)
        return [
            {
                "hit": hit,
                "type_label": labels.get(hit.record_type, hit.record_type),
                "snippet": mark_safe(hit.snippet),  # noqa: S308 - escaped by the backend, <mark> only
            }
            for hit in page.results.hits
        ]

    def _facets(self, request: HttpRequest, page: SearchPage | None) -> list[dict[str, Any]]:
        if page is None:
            return []
        labels = dict(RecordType.choices)
        names = self._customer_names(request, page)
        sections = []
        for name, param, title in (
            ("customer", "customer", _("Customer")),
            ("type", "type", _("Record type")),
            ("year", "year", _("Year")),
        ):
            chosen = set(request.GET.getlist(param))
            values = sorted(
                page.results.facets.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0])
            )
            sections.append(
                {
                    "title": title,
                    "values": [
                        {
                            "label": self._label(name, value, labels, names),
                            "count": count,
                            "chosen": value in chosen,
                            "url": self._toggle(request, param, value),
                        }
                        for value, count in values
                    ],
                }
            )
        return sections

    @staticmethod
    def _customer_names(request: HttpRequest, page: SearchPage) -> dict[str, str]:
        """The names of the facet's customers, read through the one visibility rule."""
        codes = list(page.results.facets.get("customer", {}))
        customers = visible_customers(user=request.user).filter(code__in=codes)
        return dict(customers.values_list("code", "name"))

    @staticmethod
    def _label(name: str, value: str, types: dict[str, Any], customers: dict[str, str]) -> str:
        if name == "type":
            return str(types.get(value, value))
        if name == "customer" and value in customers:
            return f"{value} {customers[value]}"
        return value

    @staticmethod
    def _toggle(request: HttpRequest, param: str, value: str) -> str:
        query = request.GET.copy()
        values = query.getlist(param)
        query.setlist(
            param, [v for v in values if v != value] if value in values else [*values, value]
        )
        query.pop("p", None)
        return "?" + query.urlencode()

    @staticmethod
    def _url(request: HttpRequest, **changes: Any) -> str:
        query = request.GET.copy()
        for key, value in changes.items():
            query[key] = str(value)
        return "?" + urlencode(list(query.lists()), doseq=True)
