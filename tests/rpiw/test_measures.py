"""RPIW measures: due dates, completeness, and the bad input that is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rpiw import services
from rpiw.models import Measure, MeasureKind, Measurement

pytestmark = pytest.mark.django_db


def test_follow_ups_fall_due_30_60_90_days_after_the_workshop_ends(rpiw):
    assert rpiw.workshop_end == dt.date(2019, 1, 11)
    assert rpiw.due_dates() == [
        (30, dt.date(2019, 2, 10)),
        (60, dt.date(2019, 3, 12)),
        (90, dt.date(2019, 4, 11)),
    ]
    services.update_rpiw(rpiw, follow_up_120=True)
    assert rpiw.due_dates()[-1] == (120, dt.date(2019, 5, 11))


def test_measure_is_complete_with_a_baseline_and_one_follow_up(lead_time):
    measure = Measure.objects.get(pk=lead_time.pk)
    assert not measure.is_complete
    services.record_measurement(lead_time, 0, value=40, measured_on=dt.date(2018, 12, 20))
    assert not Measure.objects.get(pk=lead_time.pk).is_complete
    services.record_measurement(lead_time, 30, value=22, measured_on=dt.date(2019, 2, 11))
    measure = Measure.objects.get(pk=lead_time.pk)
    assert measure.is_complete
    assert not measure.has_pair(90)


def test_recording_a_point_again_corrects_it(lead_time):
    services.record_measurement(lead_time, 0, value=40)
    services.record_measurement(lead_time, 0, value=41.5)
    assert Measurement.objects.get(measure=lead_time, point=0).value == Decimal("41.5")


def test_a_ninth_measure_is_refused(rpiw):
    for n in range(8):
        services.add_measure(rpiw, kind=MeasureKind.OTHER, name=f"Measure {n}")
    with pytest.raises(ValidationError, match="at most 8 measures"):
        services.add_measure(rpiw, kind=MeasureKind.OTHER, name="Ninth")
    assert rpiw.measures.count() == 8


def test_negative_lead_time_is_refused(lead_time):
    with pytest.raises(ValidationError) as raised:
        services.record_measurement(lead_time, 0, value=-3)
    assert raised.value.message_dict == {"value": ["A time cannot be negative."]}


def test_defects_greater_than_output_are_refused(rpiw):
    ratio = services.add_measure(rpiw, kind=MeasureKind.DEFECT_RATIO, name="Letters wrong")
    with pytest.raises(ValidationError) as raised:
        services.record_measurement(ratio, 0, defects=12, output=10)
    assert "cannot be greater than the output" in raised.value.message_dict["defects"][0]
    measurement = services.record_measurement(ratio, 0, defects=6, output=10)
    assert measurement.ratio == Decimal("0.6")


def test_a_follow_up_dated_before_the_workshop_is_refused(lead_time):
    with pytest.raises(ValidationError) as raised:
        services.record_measurement(lead_time, 30, value=10, measured_on=dt.date(2019, 1, 2))
    assert "before the workshop ended" in raised.value.message_dict["measured_on"][0]
    assert not Measurement.objects.exists()


def test_a_120_day_value_needs_the_rpiw_to_follow_up_at_120_days(lead_time, rpiw):
    with pytest.raises(ValidationError, match="120-day"):
        services.record_measurement(lead_time, 120, value=10)
    services.update_rpiw(rpiw, follow_up_120=True)
    lead_time.rpiw.refresh_from_db()
    assert services.record_measurement(Measure.objects.get(pk=lead_time.pk), 120, value=10)


def test_lead_time_needs_a_time_unit(rpiw):
    with pytest.raises(ValidationError) as raised:
        services.add_measure(rpiw, kind=MeasureKind.LEAD_TIME, name="LT", unit="weeks")
    assert "unit" in raised.value.message_dict


def test_count_of_defects_is_whole(rpiw):
    defects = services.add_measure(rpiw, kind=MeasureKind.DEFECTS, name="Defects")
    with pytest.raises(ValidationError, match="whole number"):
        services.record_measurement(defects, 0, value=2.5)
