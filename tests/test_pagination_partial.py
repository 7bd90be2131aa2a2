"""The one pager of server-side paginated lists keeps the list's filters and changes only the page."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def render_pager(query: str, number: int) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    page = Paginator(list(range(100)), 25).page(number)
    return render_to_string("vmi_programme/_pagination.html", {"page": page}, request=request)


def test_the_pager_links_keep_the_filters_and_replace_the_page():
    html = render_pager("kind=tgb&source=api&page=2", 2)
    assert 'href="?kind=tgb&amp;source=api&amp;page=1"' in html
    assert 'href="?kind=tgb&amp;source=api&amp;page=3"' in html
    assert "Page 3 of 4" in html


def test_the_first_page_has_no_newer_link_and_the_last_no_older_link():
    first, last = render_pager("", 1), render_pager("page=4", 4)
    assert "Previous</span>" not in first and "Next</span>" in first
    assert "Next</span>" not in last and "Previous</span>" in last


def test_a_single_page_shows_no_pager():
    request = RequestFactory().get("/list/")
    page = Paginator([1, 2], 25).page(1)
    html = render_to_string("vmi_programme/_pagination.html", {"page": page}, request=request)
    assert "nhsuk-pagination" not in html


def test_a_pages_count_has_thousands_separators_and_says_more_than_past_the_cap():
    from vmi_programme.pagination import CappedCountPaginator

    assert CappedCountPaginator(list(range(1234)), 25, cap=10_000).count_text == "1,234"
    assert CappedCountPaginator(list(range(1234)), 25, cap=1_000).count_text == "more than 1,000"
    assert CappedCountPaginator(list(range(7)), 25, cap=1_000).count_text == "7"
