"""The benchmark's bare page: off unless BENCHMARK_VIEWS is on; the whole stack and one query."""

from django.test import RequestFactory

from vmi_programme import bench


def test_the_bare_page_is_not_served_unless_benchmark_views_are_on(client, kpo_user):
    client.force_login(kpo_user)
    assert client.get("/bench/bare/").status_code == 404


def test_the_bare_page_renders_the_base_template_with_one_query_beyond_the_templates_own(
    kpo_user, django_assert_num_queries
):
    request = RequestFactory().get("/bench/bare/")
    request.user = kpo_user
    # base.html's context processors (navigation, notifications) read two; the view one.
    with django_assert_num_queries(3):
        response = bench.bare(request)
    assert response.status_code == 200 and b"</html>" in response.content


def test_the_bare_page_sends_an_anonymous_visitor_to_sign_in():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/bench/bare/")
    request.user = AnonymousUser()
    response = bench.bare(request)
    assert response.status_code == 302 and "/login/" in response["Location"]
