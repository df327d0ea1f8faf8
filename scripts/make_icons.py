"""Render static/icons/favicon.svg to the PNG app icons, with the Chromium the browser tests use.

Run again after changing the SVG: `.venv/bin/python scripts/make_icons.py`. The PNGs are drawn
full-bleed on the brand colour: iOS and Android round or mask the corners themselves.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
SIZES = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
BRAND = "#0b5c8a"


def main() -> None:
    svg = (ICONS / "favicon.svg").read_text().replace('rx="14"', 'rx="0"')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        for name, size in SIZES.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace(
                'width="64" height="64"', f'width="{size}" height="{size}" style="display:block"'
            )
            page.set_content(f'<body style="margin:0;background:{BRAND}">{sized}</body>')
            page.screenshot(path=ICONS / name)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
