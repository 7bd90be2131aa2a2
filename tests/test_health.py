"""/health/ reports the database, broker and worker; staff see which part fails, others only
the status word and the HTTP code."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ops", is_staff=True))
    return client


def test_health_is_ok_on_the_embedded_default(staff_client, settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded-default check; the service run checks a real worker below")
    response = staff_client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["detail"] == "in-process (eager)"


def test_health_names_the_broker_when_it_is_down(staff_client, settings, broker_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    broker_url(settings.CELERY_BROKER_URL)
    response = staff_client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker", "worker"]
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1:1" in body["checks"]["broker"]["detail"]


def test_anonymous_callers_get_only_the_status_word_and_code(client, settings, broker_url):
    assert list(client.get("/health/").json()) == ["status"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    broker_url(settings.CELERY_BROKER_URL)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "127.0.0.1" not in response.content.decode()


def test_signed_in_users_who_are_not_staff_see_no_details(client, kpo_user):
    client.force_login(kpo_user)
    assert list(client.get("/health/").json()) == ["status"]


@pytest.mark.services
def test_health_names_the_worker_when_none_listens(staff_client, settings, broker_url):
    # A Redis database no worker consumes from: the broker answers, no worker does.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    broker_url(settings.CELERY_BROKER_URL)
    response = staff_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_health_is_ok_with_postgres_redis_and_a_worker(staff_client, celery_worker):
    response = staff_client.get("/health/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["checks"]["database"]["detail"] == "postgresql"
    assert "worker(s) answered" in body["checks"]["worker"]["detail"]
