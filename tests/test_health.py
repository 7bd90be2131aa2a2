"""/health/ reports the database, broker and worker, and names the failing part."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_is_ok_on_the_embedded_default(client, settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded-default check; the service run checks a real worker below")
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["detail"] == "in-process (eager)"


def test_health_names_the_broker_when_it_is_down(client, settings, broker_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    broker_url(settings.CELERY_BROKER_URL)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker", "worker"]
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1:1" in body["checks"]["broker"]["detail"]


@pytest.mark.services
def test_health_names_the_worker_when_none_listens(client, settings, broker_url):
    # A Redis database no worker consumes from: the broker answers, no worker does.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    broker_url(settings.CELERY_BROKER_URL)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_health_is_ok_with_postgres_redis_and_a_worker(client, celery_worker):
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["checks"]["database"]["detail"] == "postgresql"
    assert "worker(s) answered" in body["checks"]["worker"]["detail"]
