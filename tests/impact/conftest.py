"""Fixtures of the impact tests: measures, a partner trust with peers and monthly series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from factories import OrganisationFactory, user_with_roles
from impact import services
from vmi_programme.models import OrganisationKind, Role


@pytest.fixture
def measures(db):
    return services.ensure_standard_measures()


@pytest.fixture
def peers(db):
    return [
        OrganisationFactory(
            kind=OrganisationKind.PEER_TRUST, short_name=f"P{i}", ods_code=f"RP{i}",
            name=f"Peer {i} NHS Trust",
        )
        for i in range(4)
    ]  # fmt: skip


@pytest.fixture
def analyst(trust):
    return user_with_roles(trust, Role.ANALYST, username="analyst")


@pytest.fixture
def admin_user(regulator_org):
    return user_with_roles(regulator_org, Role.ADMINISTRATOR, username="admin", is_superuser=True)


def months(start: str, end: str) -> list[dt.date]:
    return [p.to_timestamp().date() for p in pd.period_range(start, end, freq="M")]


def fill_series(measure, organisation, values, start="2013-04") -> None:
    periods = months(start, pd.Period(start, "M") + len(values) - 1 if values else start)
    services.record_values(
        measure,
        [
            services.MonthValue(organisation, period, value=value)
            for period, value in zip(periods, values, strict=False)
        ],
        rerun=False,
    )


def trending(n: int, *, level=80.0, slope=0.0, change=0.0, t0=27, seed=1) -> list[float]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    after = t >= t0
    return list(level + slope * t + change * (t - t0) * after + rng.normal(0, 0.6, n))


@pytest.fixture
def fft_data(measures, trust, peers):
    """SASH (RTP) and four peers, April 2013 – February 2020, SASH improving after July 2015."""
    fft = measures["fft_ae_recommend"]
    fill_series(fft, trust, trending(83, change=0.15))
    for i, peer in enumerate(peers):
        fill_series(fft, peer, trending(83, level=82 + i, seed=10 + i))
    services.set_manual_peers(trust, [p.ods_code for p in peers])
    return fft


@pytest.fixture
def fill():
    """fill(measure, organisation, values, start="2013-04"): store monthly values."""
    return fill_series


@pytest.fixture
def trend():
    """trend(n, level=, slope=, change=, t0=, seed=): a noisy segmented series."""
    return trending


@pytest.fixture(autouse=True)
def _jobs_run_in_process(request):
    """Run recorded jobs in-process in these tests, whatever the broker; the tests marked
    ``services`` use the real worker instead."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from vmi_programme.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
