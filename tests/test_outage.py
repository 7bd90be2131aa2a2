"""With the database unreachable, pages answer a plain 503 page and the API a 503 in its one
error shape, not a bare 500; once the database answers again, so does everything else."""

from __future__ import annotations

import contextlib
import socket

import pytest
from django.db import connections

from vmi_programme.outage import CACHE_UNAVAILABLE, DATABASE_UNAVAILABLE


def _closed_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on once this socket is closed
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def database_unreachable():
    """Point this thread's default connection at a database that cannot be reached.

    The real server is not touched (others use it): a second connection object with the same
    settings but a closed port (PostgreSQL) or a path in a missing folder (SQLite) stands in
    for it, and the real one, with the test's transaction, is put back afterwards.
    """
    real = connections["default"]
    broken_settings = {**real.settings_dict}
    if real.vendor == "sqlite":
        broken_settings["NAME"] = "/nonexistent-folder/for-the-outage-test/db.sqlite3"
    else:
        broken_settings.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    broken = real.__class__(broken_settings, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = real


@pytest.fixture
def signed_in_client(client, kpo_user):
    client.force_login(kpo_user)
    return client


@pytest.mark.django_db
def test_a_page_answers_the_503_page_when_the_database_is_down(client):
    with database_unreachable():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, the service is temporarily unavailable" in page
    assert DATABASE_UNAVAILABLE in page


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_503_page_not_a_server_error(signed_in_client):
    with database_unreachable():
        response = signed_in_client.get("/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()
    assert "Log out" not in response.content.decode()  # the page reads no user


@pytest.mark.django_db
def test_the_api_answers_503_in_its_one_error_shape(signed_in_client):
    with database_unreachable():
        response = signed_in_client.get("/api/rpiw/rpiws/")
    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}


@pytest.mark.django_db
def test_health_says_unavailable_in_its_own_words_when_the_database_is_down(client):
    with database_unreachable():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_pages_answer_again_once_the_database_is_back_without_a_restart(signed_in_client):
    with database_unreachable():
        assert signed_in_client.get("/").status_code == 503
    assert signed_in_client.get("/").status_code == 200
    assert signed_in_client.get("/api/rpiw/rpiws/").status_code == 200


@pytest.mark.django_db
def test_a_database_error_inside_a_view_answers_the_503_page(rf):
    from django.db import OperationalError

    from vmi_programme.outage import DatabaseOutageMiddleware

    middleware = DatabaseOutageMiddleware(lambda request: None)
    page = middleware.process_exception(rf.get("/rpiw/"), OperationalError("connection lost"))
    api = middleware.process_exception(rf.get("/api/rpiw/"), OperationalError("connection lost"))
    assert (page.status_code, api.status_code) == (503, 503)
    assert api["Content-Type"] == "application/json"
    assert middleware.process_exception(rf.get("/rpiw/"), ValueError("not ours")) is None


@pytest.mark.django_db
def test_the_api_answers_503_when_the_shared_redis_cache_is_down(signed_in_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/1",
        }
    }
    response = signed_in_client.get("/api/rpiw/rpiws/")  # the throttle reads its count
    assert response.status_code == 503
    assert response.json() == {"detail": CACHE_UNAVAILABLE}
