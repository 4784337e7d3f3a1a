"""Load test of the web app on loopback: 300 generate requests from 50 clients (a third with no
cookie, a third with made-up cookies, a third keeping a real session), with tests/openai_server.py
as the model so the run takes a minute, not hours.

The app runs in this process under uvicorn (so a sampler can read its job queue every 10 ms);
the clients run in a child process at a lower priority (on 2 cores, 50 busy client threads
would otherwise starve the server, which clients on other machines do not), and a prober in a
child process of its own times `GET /` every 100 ms. Two settings: the defaults (every client shares one
address, so the per-address limit answers most requests with 429) and one where the
address limit is lifted as if each client had its own address (the bounded queue pushes back).

It checks: no 5xx, the queue never above its bound, GET / p95 under 200 ms throughout, every
accepted job finishing with candidates or a message, and every 429 carrying Retry-After.

    .venv/bin/python bench/bench_load.py [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from common import DOCS, write_section

ROOT = Path(__file__).resolve().parents[1]
CLIENTS, PER_CLIENT = 50, 6
REQUESTS = [
    "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
    "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
    "an MLP: 8 inputs, one hidden layer of 16, 3 outputs",
]
JOB = re.compile(r'hx-get="(/jobs/[^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(url: str, number: int) -> list[dict[str, object]]:
    """One client's PER_CLIENT requests, each followed to its end when accepted (with the
    session cookie the answer set, as a browser would)."""
    kind = ("none", "made-up", "real")[number % 3]
    results = []
    real = httpx.Client(base_url=url, timeout=30)
    real.get("/")  # a real session: the cookie it is given, kept for every request
    for i in range(PER_CLIENT):
        fresh = {"made-up": {"diagramgen_session": f"fake{number}x{i}"}, "none": {}}
        session = real if kind == "real" else httpx.Client(base_url=url, timeout=30)
        session.cookies.update(fresh.get(kind, {}))
        form = {"request": REQUESTS[(number + i) % len(REQUESTS)]}
        resp = session.post("/generate", data=form)
        row: dict[str, object] = {"kind": kind, "status": resp.status_code}
        row["retry_after"] = resp.headers.get("retry-after")
        found = JOB.search(resp.text)
        if resp.status_code == 200 and found:
            row["outcome"] = _follow(session, found.group(1))
        results.append(row)
        if session is not real:
            session.close()
    real.close()
    return results


def _follow(session: httpx.Client, path: str) -> str:
    """Poll a job until it shows candidates ('candidates') or a message ('message')."""
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.5)
        page = session.get(path)
        if page.status_code >= 500:
            return f"HTTP {page.status_code}"
        if 'class="card' in page.text:
            return "candidates"
        if 'role="alert"' in page.text:
            return "message"
        if page.status_code != 200:
            return f"HTTP {page.status_code}"
    return "still running after 120 s"


def probe(url: str, stop: threading.Event) -> list[float]:
    """GET / every 100 ms while the load runs; the latencies in ms."""
    times = []
    with httpx.Client(base_url=url, timeout=30) as session:
        while not stop.is_set():
            started = time.perf_counter()
            session.get("/")
            times.append(1000 * (time.perf_counter() - started))
            time.sleep(0.1)
    return times


def load(url: str) -> dict[str, object]:
    """The clients' side, run in a child process: every request's outcome."""
    with ThreadPoolExecutor(CLIENTS) as pool:
        started = time.time()
        rows = [r for rs in pool.map(lambda n: client(url, n), range(CLIENTS)) for r in rs]
        return {"rows": rows, "seconds": time.time() - started}


def probe_until_stdin_closes(url: str) -> list[float]:
    """The prober's side, a child process of its own: GET / times until told to stop."""
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    return probe(url, stop)


def run(name: str, per_address: int, model_url: str) -> dict[str, object]:
    """Serve the app with these limits, load it from a child process, sample its queue."""
    import uvicorn

    from diagramgen.web import WebSettings, create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = WebSettings(
            db=Path(tmp) / "load.sqlite3", backend=model_url, per_address=per_address
        )
        app = create_app(settings)
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", ws="none")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        jobs, peak, stop = app.state.web.jobs, [0], threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], jobs.unfinished())
                time.sleep(0.01)

        threading.Thread(target=sample, daemon=True).start()
        url = f"http://127.0.0.1:{port}"
        # The prober is a process of its own; the clients run at a lower priority: 50 busy
        # client threads on the same 2 cores would otherwise starve the server and the prober
        # of CPU, which clients on other machines do not.
        prober = subprocess.Popen(
            [sys.executable, __file__, "--probe", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        done = subprocess.run(
            [sys.executable, __file__, "--clients", url],
            capture_output=True,
            text=True,
            preexec_fn=lambda: os.nice(10),
        )
        get_ms, _ = prober.communicate("")
        stop.set()
        server.should_exit = True
        if done.returncode:
            raise SystemExit(done.stderr)
        result = json.loads(done.stdout)
        result.update(name=name, peak=peak[0], bound=jobs.limit, get_ms=json.loads(get_ms))
        return result


def summary(result: dict[str, object]) -> str:
    rows = result["rows"]
    assert isinstance(rows, list)
    statuses = Counter(r["status"] for r in rows)
    outcomes = Counter(r.get("outcome") for r in rows if r["status"] == 200)
    print(dict(outcomes), file=sys.stderr)
    limited = [r for r in rows if r["status"] == 429]
    get_ms = sorted(result["get_ms"])  # type: ignore[arg-type]
    p95 = get_ms[int(0.95 * (len(get_ms) - 1))]
    errors = sum(n for s, n in statuses.items() if s >= 500)
    return (
        f"| {result['name']} | {len(rows)} | {statuses.get(200, 0)} | {statuses.get(429, 0)} | "
        f"{errors} | {result['peak']} / {result['bound']} | "
        f"{outcomes.get('candidates', 0)} + {outcomes.get('message', 0)} of "
        f"{statuses.get(200, 0)} | {sum(r['retry_after'] is not None for r in limited)} of "
        f"{len(limited)} | {statistics.median(get_ms):.0f} / {p95:.0f} ms | "
        f"{result['seconds']:.0f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--clients", help=argparse.SUPPRESS)
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients:
        print(json.dumps(load(args.clients)))
        return
    if args.probe:
        print(json.dumps(probe_until_stdin_closes(args.probe)))
        return
    model = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "openai_server.py")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert model.stdout is not None
    model_url = f"openai:http://127.0.0.1:{model.stdout.readline().strip()}"
    try:
        lines = [
            "| setting | requests | accepted | 429 | 5xx | queue peak / bound | accepted jobs "
            "ending with candidates + a message | 429s with Retry-After | GET / median / p95 "
            "| took |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, per_address in (
            ("defaults: all 50 clients on one address", 5),
            ("address limit lifted (as if 50 addresses)", 1000),
        ):
            lines.append(summary(run(name, per_address, model_url)))
            print(lines[-1], flush=True)
    finally:
        model.terminate()
    if args.write_docs:
        write_section("bench_load", "\n".join(lines), DOCS.parent / "RELIABILITY.md")


if __name__ == "__main__":
    main()
