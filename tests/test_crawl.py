"""Crawl every page reachable from each demo role's landing page: no server errors, and no link
to a page the role may not open (issue 17's guard).

The crawl follows the links a role is shown, breadth first, from its landing page. Pages of the
same shape (the same path with other ids) are visited at most ``PER_SHAPE`` times, so the crawl
is bounded at demo size whatever the data; downloads (``?format=csv|xlsx``, PDFs) are fetched
like pages. A link answering 403 or 404 counts as a fault of the page that showed it.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

ROLES = [
    "ceo.sash",  # executive and TGB member
    "kpo.sash",  # KPO facilitator
    "kpolead.sash",
    "analyst.sash",
    "regulator",
    "sensei.vmi",  # TGB member of the CI partner
    "admin",
]
PER_SHAPE = 3
MAX_PAGES = 1500
# Not pages: signing out ends the crawl's session; the admin is for repairs and has its own
# tests; static files are served by whitenoise; /health/ (the footer's "Service status") is a
# monitoring endpoint whose 503 names a missing worker or broker, by design (tests/test_health.py).
SKIP = ("/logout/", "/admin/", "/static/", "/api/docs/", "/api/schema/", "/health/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def shape(url: str) -> str:
    """The URL with ids, dates and query values replaced, so pages of one kind share a shape."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/{n}", parts.path)
    path = re.sub(r"/\d{4}-\d{2}(-\d{2})?(?=/|$|\.)", "/{date}", path)
    path = re.sub(r"/[A-Z]{2,6}(?=/)", "/{trust}", path)
    query = "&".join(sorted(re.sub(r"=.*", "=", q) for q in parts.query.split("&") if q))
    return f"{path}?{query}" if query else path


def crawl(client, start: str = "/") -> tuple[int, list[str]]:
    seen_urls: set[str] = {start}
    per_shape: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    faults: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url, referrer = queue.popleft()
        visited += 1
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            faults.append(f"{status} {url} (linked from {referrer})")
            continue
        if status in (403, 404):
            faults.append(f"{status} {url}: linked from {referrer}")
            continue
        if status in (301, 302):
            target = response.headers.get("Location", "")
            if target.startswith("/login/"):
                faults.append(f"login required for {url}: linked from {referrer}")
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for href in links_of(response.content.decode()):
            href = urldefrag(href)[0]
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP):
                continue
            if href in seen_urls:
                continue
            seen_urls.add(href)
            key = shape(href)
            if per_shape.get(key, 0) >= PER_SHAPE:
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            queue.append((href, url))
    return visited, faults


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_can_reach_answers_without_error(demo_seeded, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    client.raise_request_exception = False  # a server error is a fault to list, not a stop
    visited, faults = crawl(client)
    assert visited > 20, f"the crawl as {username} reached only {visited} pages"
    assert not faults, (
        f"{len(faults)} faults crawling {visited} pages as {username}:\n" + "\n".join(faults)
    )


# Every URL pattern, not only those a landing page links to ------------------------------------

PATTERN_ROLES = ["admin", "kpo.sash"]  # every object, and a trust's view of them
# Lists that stay short whatever the data, so a select of them is fine past the person picker's
# MAX_OPTIONS: organisations (a few hundred at national size: the regulator's choice of trust),
# the months of a measure's series (a start month for the chart) and a trust's RPIWs newest
# first, which an agenda item may be about (a few hundred a trust at national size).
LONG_SELECTS_ALLOWED = {"organisation", "starts_on", "link_rpiw"}
_SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)


def long_selects(html: str) -> list[str]:
    """Selects with more options than the person picker shows before it becomes a search
    (people, meetings: lists that grow with the data, so a page carrying one grows too)."""
    from vmi_programme.person_picker import MAX_OPTIONS

    return [
        f"{name} ({count} options)"
        for name, body in _SELECT.findall(html)
        if (count := body.count("<option")) > MAX_OPTIONS
        and re.sub(r"^.*-", "", name) not in LONG_SELECTS_ALLOWED
    ]


NOT_POSTED = {"login", "logout"}  # signing in or out ends the crawl's session


def test_every_url_pattern_with_a_demo_object_answers_without_a_server_error(demo_seeded, client):
    """Each page pattern, ids filled from the demo (tests/url_samples.py), is fetched by each
    role and then posted empty by the administrator (a form's bad submit): nothing answers 5xx,
    and no page offers a select longer than the person picker's limit (``long_selects``).
    A new pattern with parameters needs a sample; a pattern the demo has no object for is a
    gap in the demo, listed too."""
    from url_samples import missing_objects, pattern_urls, unsampled

    assert unsampled() == [], "add a sample for these URL patterns to tests/url_samples.py"
    assert missing_objects() == [], "the demo has no object for these URL patterns"
    urls = pattern_urls()
    assert len(urls) > 150
    client.raise_request_exception = False
    faults = []
    for username in PATTERN_ROLES:
        client.force_login(get_user_model().objects.get(username=username))
        for name, url in urls:
            if name == "logout":
                continue
            response = client.get(url)
            if response.status_code >= 500:
                faults.append(f"{username}: GET {url} ({name}) answered {response.status_code}")
            elif "text/html" in response.headers.get("Content-Type", "") and (
                long := long_selects(response.content.decode())
            ):
                faults.append(f"{username}: GET {url} ({name}) has a long select: {long}")
    # Empty posts after every GET, since a post may change what a page shows.
    client.force_login(get_user_model().objects.get(username="admin"))
    for name, url in urls:
        if name not in NOT_POSTED and (status := client.post(url, {}).status_code) >= 500:
            faults.append(f"admin: POST {url} ({name}) answered {status}")
    assert not faults, "\n".join(faults)
