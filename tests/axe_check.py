"""axe-core in a Playwright page: the serious and critical violations it finds."""

from pathlib import Path


def axe_script() -> str:
    """axe-core as bundled by the axe-playwright-python package (never from a CDN)."""
    import axe_playwright_python

    return str(Path(axe_playwright_python.__file__).parent / "axe.min.js")


def serious_violations(page) -> list[str]:
    # Evaluated through the browser's developer protocol, which the page's Content-Security-Policy
    # does not govern: a <script> tag added to the page would be refused for want of a nonce.
    page.evaluate(Path(axe_script()).read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
