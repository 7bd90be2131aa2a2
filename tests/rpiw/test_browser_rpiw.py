"""In a real browser: a KPO facilitator plans an RPIW, records its measures and sees the chart."""

import datetime as dt

import pytest

from rpiw import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kpo_facilitator_creates_an_rpiw_records_baseline_and_30_days_and_sees_the_chart(
    page, kpo_user, trust
):
    services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=dt.date(2020, 1, 6)
    )
    page.login("kpo")
    page.goto("/rpiw/")
    page.click("text=New RPIW")
    start = dt.date.today() - dt.timedelta(days=60)
    page.select_option("#id_value_stream", label="Outpatients")
    page.fill("#id_title", "Clinic letters to GPs")
    page.fill("#id_process_start", "Clinic ends")
    page.fill("#id_process_end", "Letter received by GP")
    page.fill("#id_workshop_start", start.isoformat())
    # The team rows come with their roles filled in; name the team lead and patient partner.
    page.fill("#id_team-2-name", "Ann Lee")
    page.fill("#id_team-6-name", "Pat Partner")
    page.select_option("#id_measures-0-kind", "lead_time")
    page.fill("#id_measures-0-name", "Dictation to letter sent")
    page.fill("#id_measures-0-unit", "days")
    assert "30 days:" in page.inner_text("#due-preview")
    page.click("text=Save RPIW")
    page.wait_for_selector("h1:has-text('Clinic letters to GPs')")
    assert "Pat Partner" in page.inner_text("body")

    form = page.locator("form:has(button:has-text('Record'))").first
    form.locator("select[name$='-point']").select_option("0")
    form.locator("input[name$='-value']").fill("9")
    form.locator("input[name$='-measured_on']").fill((start - dt.timedelta(days=14)).isoformat())
    form.locator("button:has-text('Record')").click()
    page.wait_for_selector("text=baseline recorded")

    form = page.locator("form:has(button:has-text('Record'))").first
    assert form.locator("select[name$='-point']").input_value() == "30"  # the next point
    form.locator("input[name$='-value']").fill("4")
    form.locator("input[name$='-measured_on']").fill((start + dt.timedelta(days=35)).isoformat())
    form.locator("button:has-text('Record')").click()
    page.wait_for_selector("text=30 days recorded")

    chart = page.locator("figure.vmi-chart-figure")
    chart.wait_for()
    assert "Baseline: 9, 30 days: 4" in chart.get_attribute("aria-label")
    page.wait_for_selector("figure.vmi-chart-figure .main-svg")  # Plotly drew it
    assert page.locator("text=Complete").first.is_visible()


# Whether the page is wider than the window, and for each table wider than its box whether it
# scrolls in a region of its own (rather than being cut off at the page's edge).
CLIPPED = """() => {
  const root = document.documentElement;
  const faults = [];
  if (root.scrollWidth > root.clientWidth + 1) faults.push(`page is ${root.scrollWidth}px wide`);
  document.querySelectorAll('main table').forEach((table, i) => {
    const box = table.parentElement;
    if (table.scrollWidth <= box.clientWidth + 1) return;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    if (!scrolls || box.getAttribute('role') !== 'region' || box.tabIndex !== 0)
      faults.push(`table ${i} (${table.scrollWidth}px) is cut off in a ${box.clientWidth}px box`);
  });
  return faults;
}"""


@pytest.mark.parametrize("width", [1280, 640])
def test_table_7_2_scrolls_in_its_own_region_instead_of_being_clipped_at_the_page_edge(
    page, kpo_user, trust, width
):
    """Issue 17 item 8: Table 7.2 ran off the page's edge. At a desktop and a narrow window,
    its pages are no wider than the window and the table scrolls sideways in a labelled,
    focusable region."""
    page.set_viewport_size({"width": width, "height": 900})
    page.login("kpo")
    for url in ("/rpiw/tables/7-2/", "/impact/rpiw/"):
        page.goto(url)
        assert page.evaluate(CLIPPED) == [], url
    page.goto("/rpiw/tables/7-2/")
    region = page.locator("main .vmi-table-scroll").first
    assert "RPIW outcomes per trust" in region.get_attribute("aria-label")
    if width < 1000:  # the table is wider than the window: the region scrolls to its end
        region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        last = page.locator("main table thead tr").last.locator("th").last
        box, cell = region.bounding_box(), last.bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
