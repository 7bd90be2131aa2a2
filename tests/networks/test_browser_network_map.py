"""In a real browser: the network map switches views without a request, finds a person by name
for the KPO, exports SVG, and shows a CEO no names at all."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from factories import PersonFactory
from networks.services import NamedPerson, save_name_generator_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [f"Person {letter}" for letter in "ABCDEFGHIJ"]


@pytest.fixture
def network(trust, wave, invite):
    staff = {
        name: PersonFactory(
            organisation=trust, full_name=name, department="Surgery" if i < 6 else "Medicine"
        )
        for i, name in enumerate(PEOPLE)
    }
    kinds = (["advice"], ["expertise"], ["influence", "advice"])
    for index, name in enumerate(PEOPLE[:6]):
        named = [PEOPLE[(index + 1) % 10], PEOPLE[(index + 5) % 10]]
        save_name_generator_answer(
            invite(staff[name]),
            [
                NamedPerson(person_id=staff[n].pk, interactions=kinds[(index + j) % 3])
                for j, n in enumerate(named)
            ],
        )
    return reverse("networks:wave", args=[trust.pk, wave.pk])


def open_map(page, url, username):
    page.login(username)
    page.goto(url)
    page.wait_for_selector("#network-map[data-map-ready=true]", timeout=30000)


def visible_traces(page):
    return page.evaluate(
        """() => document.getElementById('network-map').data.map(t => ({
             role: (t.meta || {}).role, colouring: (t.meta || {}).colouring,
             kind: (t.meta || {}).kind, visible: t.visible !== false,
             size: t.marker && t.marker.size }))"""
    )


def test_a_kpo_switches_the_map_finds_a_person_and_downloads_svg(page, network, kpo_user):
    open_map(page, network, "kpo")
    assert "Person C" in page.content()  # names reach the KPO's browser

    page.select_option("#map-colour", "group")
    nodes = [t for t in visible_traces(page) if t["role"] == "nodes"]
    assert {t["colouring"] for t in nodes if t["visible"]} == {"group"}

    before = [t["size"] for t in visible_traces(page) if t["role"] == "nodes" and t["visible"]]
    page.select_option("#map-size", "betweenness")
    after = [t["size"] for t in visible_traces(page) if t["role"] == "nodes" and t["visible"]]
    assert before != after

    page.uncheck("#map-ties-advice")
    ties = {t["kind"]: t["visible"] for t in visible_traces(page) if t["role"] == "ties"}
    assert ties == {"advice": False, "expertise": True, "influence": True}

    page.fill("#map-search", "person c")
    page.click("[data-map-find]")
    assert page.inner_text("[data-map-status]").startswith("Found Person C")
    page.wait_for_selector("#network-map .annotation-text")
    assert page.text_content("#network-map .annotation-text") == "Person C"  # an SVG <text>

    page.fill("#map-search", "Nobody Here")
    page.click("[data-map-find]")
    assert "Nobody in this network matches" in page.inner_text("[data-map-status]")

    with page.expect_download() as download:
        page.click("[data-map-svg]")
    assert download.value.suggested_filename == "network-map.svg"


def test_a_ceo_sees_the_map_without_any_name_in_the_page(page, network, executive):
    open_map(page, network, "ceo")
    html = page.content()
    for name in PEOPLE:
        assert name not in html
    spec = json.loads(
        re.search(r'id="network-map-spec">(.*?)</script>', html, re.S)
        .group(1)
        .replace("<\\/", "</")
    )
    figure_text = json.dumps(spec)
    assert not any(name in figure_text for name in PEOPLE)
    assert page.locator("#map-search").count() == 0  # nothing to search by
    brokers = next(t for t in spec["figure"]["data"] if t.get("meta", {}).get("role") == "brokers")
    assert all(label.startswith("Broker ") for label in brokers["text"])
    page.select_option("#map-colour", "l4l")  # the switches work for everyone
