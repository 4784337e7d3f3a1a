"""Screenshot of the web app for the README: serve, generate one request in headless
Chromium, save docs/images/web.png.

    .venv/bin/python scripts/web_screenshot.py [--request "..."]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from diagramgen.web import WebSettings, create_app

OUT = Path("docs/images/web.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--request", default="RAG flow: question -> embedding -> vector DB -> LLM -> answer"
    )
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(WebSettings(db=Path(tmp) / "db.sqlite3", count=3, recommend=1))
        server = uvicorn.Server(uvicorn.Config(app, port=args.port, log_level="warning", ws="none"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(f"http://127.0.0.1:{args.port}/")
            page.fill("#request", args.request)
            page.click("#go")
            page.wait_for_selector(".card img", timeout=300_000)
            page.locator(".card").first.locator("button[aria-label='rate 5 of 5']").click()
            page.wait_for_selector(".rated")
            page.screenshot(path=str(OUT))
            browser.close()
        server.should_exit = True
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
