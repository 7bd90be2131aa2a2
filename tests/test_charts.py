"""The chart helper renders Plotly figures with a description and local plotly.js."""

import plotly.graph_objects as go
from django.template import Context, Template

from vmi_programme.charts import figure_html, nhs_layout


def test_figure_html_carries_its_description_and_no_cdn_script():
    fig = nhs_layout(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])), title="Lead time")
    out = figure_html(fig, description="Lead time fell from 3 to 2 hours", element_id="lt")
    assert 'id="lt"' in out and 'data-plotly-spec="lt-spec"' in out
    assert "Lead time fell from 3 to 2 hours" in out
    assert "cdn.plot.ly" not in out and "<script src=" not in out
    assert "Plotly.newPlot" not in out  # drawn by charts.js after Plotly loads, never inline


def test_figure_spec_cannot_close_its_script_element():
    fig = go.Figure(go.Scatter(x=[1], y=[1], name="</script><script>alert(1)</script>"))
    out = figure_html(fig, description="x", element_id="x")
    assert out.count("</script>") == 1


def test_plotly_script_tag_points_at_our_static_files():
    out = Template("{% load vmi_charts %}{% plotly_script %}").render(Context())
    assert out == (
        '<script src="/static/plotly/plotly.min.js" defer></script>'
        '<script src="/static/vmi_programme/charts.js" defer></script>'
    )


def test_plotly_bundle_is_served_by_the_app(client, kpo_user):
    client.force_login(kpo_user)
    response = client.get("/static/plotly/plotly.min.js")
    assert response.status_code == 200
