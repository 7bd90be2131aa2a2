"""Sign in to a running app and save full-page screenshots of some pages (a developer's tool).

    .venv/bin/python scripts/screenshots.py --user kpo.sash --password ... / /organisations/
Uses Debian's Chromium (/usr/bin/chromium) through Playwright; writes screenshots/<name>.png.
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        if args.user:
            page.goto(f"{args.base}/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
        for path in args.paths:
            page.goto(f"{args.base}{path}", wait_until="load", timeout=60000)
            if page.locator("[data-plotly-spec]").count():
                page.wait_for_selector(".vmi-chart .main-svg", timeout=30000)
            name = re.sub(r"[^a-z0-9]+", "-", f"{args.user or 'anon'}{path}".lower()).strip("-")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(out / f"{name}.png", page.title())
        browser.close()


if __name__ == "__main__":
    main()
