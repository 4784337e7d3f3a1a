"""The web app, served for real (uvicorn on a free port) and driven over HTTP and in headless
Chromium (Debian's, through Playwright; .ci/run installs it)."""

from __future__ import annotations

import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

uvicorn = pytest.importorskip("uvicorn")

from diagramgen.layout import parse_diagram_text  # noqa: E402
from diagramgen.web import WebSettings, create_app  # noqa: E402
from diagramgen.web.guard import Limited  # noqa: E402
from diagramgen.web.jobs import JobQueue  # noqa: E402
from diagramgen.web.service import COOKIE, DiagramService  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
PLAN = (
    "nn horizontal palette=blue shape=circle\nlayer input 3\nlayer hidden 4\nlayer output 2\nend\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(settings: WebSettings) -> Iterator[Any]:
    """The app on a free loopback port, for real, until the block ends."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{port}", service=app.state.service, web=app.state.web
    )
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("web")
    with _serving(WebSettings(db=tmp / "db.sqlite3", count=2, recommend=1)) as served:
        yield served


@pytest.fixture(scope="module")
def model_server(server_url: str) -> str:
    """The test model server (conftest's `server_url`) as a backend spec."""
    return f"openai:{server_url}"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory, model_server: str) -> Iterator[Any]:
    """A server with tight limits: one request and one edit a minute a session, two an address."""
    tmp = tmp_path_factory.mktemp("strict")
    settings = WebSettings(
        db=tmp / "db.sqlite3",
        backend=model_server,
        count=2,
        recommend=1,
        generations_per_minute=1,
        edits_per_minute=1,
        per_address=2,
    )
    with _serving(settings) as served:
        yield served


def _user() -> tuple[str, str]:
    token = secrets.token_hex(16)
    return token, f"web-{token}"


def _diagram_for(server: Any, user: str) -> int:
    diagram, _ = parse_diagram_text(PLAN)
    return int(server.service.keep(user, "a small net", PLAN, diagram))


def _call(
    server: Any,
    path: str,
    token: str | None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    status, body, _ = _exchange(server, path, token, form, headers)
    return status, body


def _exchange(
    server: Any,
    path: str,
    token: str | None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, Any]:
    """Status, body and headers of one request (`token` None: no cookie at all)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(server.url + path, data=data, headers=headers or {})
    if token is not None:
        req.add_header("Cookie", f"{COOKIE}={token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", "replace"), resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), exc.headers


def test_twenty_simultaneous_ratings_are_all_stored(server: Any) -> None:
    token, user = _user()
    diagram_id = _diagram_for(server, user)
    before = server.service.store.count_ratings()
    with ThreadPoolExecutor(20) as pool:
        codes = list(
            pool.map(
                lambda i: _call(
                    server, f"/diagrams/{diagram_id}/rate", token, {"score": str(i % 6)}
                )[0],
                range(20),
            )
        )
    assert codes == [200] * 20
    assert server.service.store.count_ratings() - before == 20


def test_one_user_never_sees_or_rates_anothers_diagram(server: Any) -> None:
    owner_token, owner = _user()
    other_token, _ = _user()
    diagram_id = _diagram_for(server, owner)
    assert _call(server, f"/diagrams/{diagram_id}.svg", owner_token)[0] == 200
    assert _call(server, f"/diagrams/{diagram_id}.svg", other_token)[0] == 404
    assert _call(server, f"/diagrams/{diagram_id}/rate", other_token, {"score": "5"})[0] == 404
    assert _call(server, f"/diagrams/{diagram_id}/edit", other_token)[0] == 404
    assert server.service.store.ratings(owner) == []
    status, page = _call(server, "/history", other_token)
    assert status == 200 and "a small net" not in page


def test_bad_requests_get_a_message_not_a_job(server: Any) -> None:
    token, _ = _user()
    status, body = _call(server, "/generate", token, {"request": "x" * 5000})
    assert status == 200 and "the limit is" in body and "hx-get" not in body
    status, body = _call(server, "/generate", token, {"request": "   "})
    assert "empty" in body
    status, body = _call(server, "/generate", token, {"request": "an ER diagram of our shop"})
    assert "cannot draw an ER diagram" in body and "flowcharts" in body and "hx-get" not in body
    status, _ = _call(server, "/diagrams/1/rate", token, {"score": "9"})
    assert status == 404  # not this user's diagram: no hint that it exists
    status, _ = _call(server, "/diagrams/..%2F..%2Fetc%2Fpasswd.svg", token)
    assert status in (404, 422)


@pytest.fixture(scope="module")
def browser() -> Any:
    """Debian's headless Chromium (every test using it is a `browser` test)."""
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield b
        b.close()


def _page_for(browser: Any, server: Any, token: str) -> Any:
    context = browser.new_context()
    context.add_cookies([{"name": COOKIE, "value": token, "url": server.url}])
    return context.new_page()


@pytest.mark.browser
def test_invalid_edit_shows_the_parser_message_and_keeps_the_text(
    browser: Any, server: Any
) -> None:
    token, user = _user()
    _diagram_for(server, user)
    page = _page_for(browser, server, token)
    page.goto(server.url + "/")
    page.click("button.edit")
    broken = "nn horizontal\nlayer input four\nend\n"
    page.fill("textarea[name=text]", broken)
    page.click("text=Re-render")
    error = page.wait_for_selector(".parse-error", timeout=10_000)
    assert "line 2" in error.inner_text()
    assert page.input_value("textarea[name=text]") == broken
    page.fill("textarea[name=text]", PLAN.replace("hidden 4", "hidden 7"))
    page.click("text=Re-render")
    page.wait_for_selector("text=edited from", timeout=10_000)
    page.context.close()


@pytest.mark.browser
def test_generate_rate_and_reload_keeps_the_rating(
    browser: Any, server: Any, embedded_backend: Any
) -> None:
    server.service.use_backend(embedded_backend)  # the session's model, not a second load
    token, user = _user()
    page = _page_for(browser, server, token)
    page.goto(server.url + "/")
    page.fill("#request", "a neural net with 3 inputs, a hidden layer of 5, 2 outputs")
    page.click("#go")
    page.wait_for_selector(".stage", timeout=10_000)  # progress, not a frozen page
    page.wait_for_selector(".card img", timeout=240_000)
    first = page.locator(".card").first
    diagram_id = int(first.get_attribute("data-diagram"))
    first.locator("button[aria-label='rate 4 of 5']").click()
    page.wait_for_selector(f"#rating-{diagram_id} .rated", timeout=10_000)
    page.reload()
    rated = page.locator(f"#rating-{diagram_id} .rated")
    assert rated.inner_text() == "your rating: 4/5"
    assert [r.score for r in server.service.store.ratings(user)] == [4.0]
    page.context.close()
    # A restarted app (a new service on the same database) still knows each candidate's rank.
    restarted = DiagramService(WebSettings(db=server.service.store.path))
    card = restarted.card(restarted.owned(diagram_id, user), restarted.ratings(user))
    assert card.rank == 1 and card.recommended and card.scores["readability"] is not None
    assert card.rating == 4.0


def test_each_diagram_downloads_for_other_editors(server: Any) -> None:
    token, user = _user()
    other_token, _ = _user()
    diagram_id = _diagram_for(server, user)
    for suffix, marker in (
        ("mmd", "flowchart"),
        ("dot", "digraph"),
        ("drawio", "<mxfile"),
        ("tex", "tikzpicture"),
    ):
        status, body = _call(server, f"/diagrams/{diagram_id}.{suffix}", token)
        assert status == 200 and marker in body, suffix
        assert _call(server, f"/diagrams/{diagram_id}.{suffix}", other_token)[0] == 404
    status, page = _call(server, "/", token)
    assert f"/diagrams/{diagram_id}.drawio" in page


def test_every_response_carries_the_security_headers_and_no_api_docs(server: Any) -> None:
    token, _ = _user()
    for path in ("/", "/history", "/static/style.css", "/no-such-page"):
        _, _, headers = _exchange(server, path, token)
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert _call(server, path, token)[0] == 404, path


def test_ids_beyond_sqlite_integers_are_404_not_500(server: Any) -> None:
    token, _ = _user()
    for big in (2**63, 2**64 + 1, 10**40):
        assert _call(server, f"/diagrams/{big}.svg", token)[0] == 404
        assert _call(server, f"/diagrams/{big}/edit", token)[0] == 404
        assert _call(server, f"/diagrams/{big}/rate", token, {"score": "3"})[0] == 404
        assert _call(server, f"/diagrams/{big}.drawio", token)[0] == 404


def test_a_post_from_another_site_is_forbidden(server: Any) -> None:
    token, user = _user()
    diagram_id = _diagram_for(server, user)
    rate = f"/diagrams/{diagram_id}/rate"
    for headers in (
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "null"},
    ):
        assert _call(server, rate, token, {"score": "1"}, headers)[0] == 403, headers
    assert server.service.store.ratings(user) == []
    own = server.url.replace("http://", "")
    assert _call(server, rate, token, {"score": "2"}, {"Origin": server.url})[0] == 200
    assert _call(server, rate, token, {"score": "3"}, {"Referer": f"http://{own}/"})[0] == 200
    assert [r.score for r in server.service.store.ratings(user)] == [3.0]


def test_limits_hold_per_address_whatever_the_cookie(strict_server: Any) -> None:
    ask = {"request": "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output"}
    outcomes = [
        _exchange(strict_server, "/generate", token, ask)
        for token in (None, secrets.token_hex(16), "made-up", None)
    ]
    assert [status for status, _, _ in outcomes] == [200, 200, 429, 429]
    for _, body, headers in outcomes[2:]:
        assert "too many requests" in body and int(headers["Retry-After"]) >= 1
        assert "hx-get" not in body  # a message, not a job


def test_edits_are_limited_too(strict_server: Any) -> None:
    token, user = _user()
    diagram_id = _diagram_for(strict_server, user)
    edit = f"/diagrams/{diagram_id}/edit"
    assert _call(strict_server, edit, token, {"text": PLAN})[0] == 200
    status, body, headers = _exchange(strict_server, edit, token, {"text": PLAN})
    assert status == 429 and "too many edits" in body and "Retry-After" in headers
    assert len(strict_server.service.store.owned_diagrams(user)) == 2  # the first edit only


def test_the_job_queue_is_bounded_and_says_when_to_come_back() -> None:
    release = threading.Event()

    def work(job: Any) -> list[int]:
        release.wait(10)
        return []

    jobs = JobQueue(work, limit=3)
    try:
        accepted = [jobs.submit(f"user-{i}", "a net") for i in range(3)]
        with pytest.raises(Limited) as refused:
            jobs.submit("user-3", "a net")
        assert refused.value.retry_after >= 1 and jobs.peak == 3
        release.set()
        deadline = time.time() + 10
        while jobs.unfinished() and time.time() < deadline:
            time.sleep(0.01)
        assert all(job.done and job.error is None for job in accepted)
        assert jobs.submit("user-3", "a net")  # room again once the queue drains
    finally:
        release.set()
        jobs.shutdown()


@pytest.mark.browser
def test_page_runs_under_its_csp_and_shows_a_refusal(
    browser: Any, model_server: str, tmp_path: Path
) -> None:
    settings = WebSettings(
        db=tmp_path / "db.sqlite3",
        backend=model_server,
        count=2,
        recommend=1,
        generations_per_minute=1,
    )
    with _serving(settings) as served:
        page = browser.new_context().new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Policy" in m.text else None)
        page.goto(served.url + "/")
        page.click("button.example >> nth=0")  # the page's script fills the box
        assert "4 inputs" in page.input_value("#request")
        page.click("#go")
        page.wait_for_selector(".card img", timeout=60_000)
        page.click("#go")  # a second request within the minute: refused, and the page says so
        page.wait_for_selector("text=too many requests", timeout=10_000)
        assert violations == []
        page.context.close()


def test_an_edit_with_a_control_character_is_drawn_not_a_500(server: Any) -> None:
    token, user = _user()
    diagram_id = _diagram_for(server, user)
    text = 'flow\nnode a "a\x01b"\nnode b "c"\na -> b "y\x02es"\nend\n'
    status, body = _call(server, f"/diagrams/{diagram_id}/edit", token, {"text": text})
    assert status == 200 and "edited from" in body
    newest = server.service.store.owned_diagrams(user)[0]
    assert server.service.file(newest.id, "png").stat().st_size > 0
