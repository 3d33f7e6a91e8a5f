"""Every page of ours, rendered in zh-Hans as each role, shows no English left untranslated and
no raw code (issue 15, "Chinese all the way").

Found by hand before: the audit trail listed `record.viewed` and `search.performed`, the record
history `title` and `other → complaint_handling`, the users list called an active account
合作中 (a customer's relationship word) and a rejected destruction request 已拒收 (an upload's).

The walk reads the URL patterns from the resolver (as tests/web/test_hostile_urls.py does), so a
new screen is checked too. Two checks per page:
- every message asked of gettext while rendering (ours, or Wagtail's on our pages) is in the
  merged zh-Hans catalogue (the translation object is watched, so a msgid missing from the
  .po, or there with an empty msgstr, is caught where it is used, not guessed from the text);
- the visible text holds no registered event name, and no field name or choice value of our
  models, as a word of its own.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.archive.searching import record_search
from records_dms.archive.services import record_update
from records_dms.common.events import registered_events
from retention.services.destruction import destruction_request_propose, destruction_request_reject
from retention.services.holds import hold_place
from tests.retention.helpers import closed_complaint_record
from tests.web.test_hostile_urls import _CONVERTER, our_routes
from tests.web.test_role_matrix import world  # noqa: F401  (the fixture: one of everything)

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("records_dms", "ingestion", "retention")
EVENT_MODULES = (
    "records_dms.audit.events",
    "records_dms.lending.events",
    "records_dms.reports.events",
    "retention.events",
)
# Wagtail's screens that show our words (the users list shows the account state).
EXTRA_PAGES = ("/admin/", "/admin/account/", "/admin/users/")
ROLES = [roles.CLERK, roles.AUDITOR, roles.COMPLIANCE, roles.STAFF, roles.ADMINISTRATOR]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_WORD = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*(?![\w@/-])")


def our_source_text() -> str:
    """All our templates and Python modules, to tell our msgids from Wagtail's and Django's."""
    parts = []
    for app in OUR_APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def is_ours(msgid: str, source: str) -> bool:
    """The msgid is a string literal of ours (quoted, or a {% blocktranslate %}'s body)."""
    # {% blocktranslate %} turns {{ number }} into %(number)s.
    as_template = _PLACEHOLDER.sub(lambda m: "{{ " + m.group(1) + " }}", msgid)
    quoted = (f'"{msgid}"', f"'{msgid}'", f"%}}{as_template}{{%")
    return any(text in source for text in quoted)


class Missed:
    """Watch the zh-Hans translation object: every msgid asked for and not in its catalogue."""

    def __init__(self) -> None:
        self.msgids: dict[str, str] = {}
        self.where = ""

    @contextmanager
    def watch(self) -> Iterator[None]:
        zh = trans_real.translation("zh-hans")
        catalog = zh._catalog  # type: ignore[attr-defined]
        gettext, ngettext = zh.gettext, zh.ngettext

        def watched_gettext(message: str) -> str:
            if message and message not in catalog:
                self.msgids.setdefault(message.split("\x04")[-1], self.where)
            return gettext(message)

        def watched_ngettext(singular: str, plural: str, n: int) -> str:
            if (singular, 0) not in catalog:
                self.msgids.setdefault(singular, self.where)
            return ngettext(singular, plural, n)

        zh.gettext = watched_gettext  # type: ignore[method-assign]
        zh.ngettext = watched_ngettext  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            del zh.gettext, zh.ngettext


class VisibleText(HTMLParser):
    """The text a user reads: text nodes and placeholders, not scripts, styles or attributes."""

    HIDDEN = {"script", "style", "template", "noscript", "code"}  # code: literal on purpose

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name == "placeholder" and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_codes() -> set[str]:
    """Event names, and field names and choice values of our models: never shown as such."""
    codes = set(registered_events())
    for name in EVENT_MODULES:  # and any event name an app forgot to register
        module = importlib.import_module(name)
        codes.update(v for k, v in vars(module).items() if k.isupper() and isinstance(v, str))
    for model in apps.get_models():
        if not model.__module__.startswith(OUR_APPS):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.name != "id":
                codes.add(field.name)
                codes.update(str(value) for value, _ in field.flatchoices if value)
    # Words that are not only codes: a file's extension and a number's unit.
    return {code for code in codes if len(code) > 2} - {"pdf", "png"}


@pytest.fixture
def lived_in(world: dict[str, Any], users: dict[str, Any], customer: Any, clerk: Any) -> Any:  # noqa: F811
    """The world after a working day: named people, an edited record, a search, a hold and a
    rejected destruction request, so that every screen has rows to label."""
    names = {roles.CLERK: ("伟", "张"), roles.COMPLIANCE: ("芳", "王"), roles.STAFF: ("Wei", "Li")}
    for role, (first, last) in names.items():
        users[role].first_name, users[role].last_name = first, last
        users[role].save()
    record = Record.objects.get(pk=world["record"])
    record_update(
        record=record,
        actor=clerk,
        reason="更正",
        title="投诉处理记录",
        type="complaint_handling",
        language="en",
    )
    record_search(user=users[roles.AUDITOR], text="投诉")
    due = closed_complaint_record(customer, clerk, pdf=False)
    request = destruction_request_propose(records=[due], actor=clerk, reason="到期")
    destruction_request_reject(request=request, actor=users[roles.COMPLIANCE], reason="仍需保留")
    hold = hold_place(actor=users[roles.COMPLIANCE], reason="诉讼", customer=customer)
    return {**world, "destruction": request.pk, "hold": hold.pk}


def filled(route: str, values: dict[str, Any]) -> str:
    return _CONVERTER.sub(lambda match: str(values[match.group(2)]), route)


def pages(ids: dict[str, Any]) -> list[str]:
    """One concrete address per admin screen of ours, with real ids (GET only)."""
    by_prefix = {
        "admin/loans/": ids["loan"],
        "admin/retention/destruction/": ids["destruction"],
        "admin/retention/holds/": ids["hold"],
        "admin/retention/seals/": ids["customer"],
        "admin/reports/surveys/": ids["survey"],
        "admin/reports/catalogues/": ids["customer"],
        "admin/archive/dossiers/": ids["customer"],
        "admin/customers/": ids["customer"],
        "admin/archive/complaints/": ids["complaint"],
    }
    found = list(EXTRA_PAGES)
    for route in our_routes():
        if not route.startswith("admin/") or route.startswith("admin/login"):
            continue
        pk = next((v for k, v in by_prefix.items() if route.startswith(k)), ids["record"])
        found.append(
            "/"
            + filled(
                route,
                {**ids, "pk": pk, "sha256": "0" * 64, "sequence": 1, "fmt": "pdf", "number": 1},
            )
        )
    return sorted(set(found))


@pytest.fixture
def chinese_archive(settings: Any) -> None:
    """The archive's language is Chinese from the start: what it words once and keeps (a
    four-property report, an audit entry's object) is worded in it."""
    settings.LANGUAGE_CODE = "zh-hans"


def test_every_page_of_ours_is_chinese_all_the_way(
    chinese_archive: None, settings: Any, users: dict[str, Any], lived_in: dict[str, Any]
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    source, codes, missed = our_source_text(), raw_codes(), Missed()
    shown_codes: dict[str, str] = {}
    rendered = 0
    with missed.watch():
        for role in ROLES:
            client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            client.force_login(users[role])
            for path in pages(lived_in):
                missed.where = f"{role} {path}"
                response = client.get(path)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                rendered += 1
                for word in _WORD.findall(visible_text(response.content.decode())):
                    if word in codes:
                        shown_codes.setdefault(word, missed.where)
    # Ours or Wagtail's: a user reads both (Wagtail 8's own zh-Hans gaps are filled in
    # records_dms/locale, which takes precedence over every app's catalogue).
    untranslated = {
        m: f"{where}; {'ours' if is_ours(m, source) else 'Wagtail/Django'}"
        for m, where in missed.msgids.items()
    }
    assert rendered > 60, rendered  # the walk reached the screens of every app
    assert not (untranslated or shown_codes), (
        f"msgids without a zh-Hans translation:\n{listing(untranslated)}\n"
        f"raw codes in the visible text:\n{listing(shown_codes)}"
    )


def listing(found: dict[str, str]) -> str:
    return "\n".join(f"  {key!r}  (first on {where})" for key, where in sorted(found.items()))


def test_the_walk_sees_what_it_must_catch(settings: Any, users: dict[str, Any], world: Any) -> None:  # noqa: F811
    """The checks themselves: an event name and an untranslated msgid are caught."""
    assert "record.viewed" in raw_codes() and "complaint_handling" in raw_codes()
    assert _WORD.findall(visible_text("<td>record.viewed</td><a href='/x/title/'>标题</a>")) == [
        "record.viewed"
    ]
    missed = Missed()
    with missed.watch(), translation.override("zh-hans"):
        translation.gettext("A msgid nobody translated")
        translation.gettext("Audit trail")
    assert list(missed.msgids) == ["A msgid nobody translated"]
    template = "{% blocktranslate %}Page {{ number }}{% endblocktranslate %}"
    assert is_ours("Page %(number)s", template)
    assert not is_ours("account", "# the user's account")
