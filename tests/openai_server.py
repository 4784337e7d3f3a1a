"""A minimal OpenAI-compatible chat-completions server for tests: a real HTTP process that
answers like a model that knows the plan format (canned plans chosen by the request text)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLANS = {
    "net": [
        "nn horizontal palette=blue\ninput 4\ndense 6\ndense 10\noutput 1\nend\nextra text after the end",
        'nn vertical palette=green shape=circle\ninput 4\ndense 6 "features"\ndense 10\noutput 1\nend\n',
        "nn horizontal palette=blue\ninput 4\nconvv 3x3\nend\n",  # broken: must be dropped
        'nn horizontal palette=dark\ninput 4\ndense 6\ndense 10 "embedding"\noutput 1\nend\n',
        "nn horizontal palette=teal\ninput 4\ndense 6\ndense 10\noutput 1\nend\n",  # a repeat
    ],
    "flow": [
        'flow horizontal palette=teal\nnode a "question" text\nnode b "LLM" model\nnode c "answer" text\na -> b -> c\nend\n',
        'flow vertical palette=warm\nnode a "question" text\nnode b "LLM" model\nnode c "answer" text\na -> b -> c\nend\n',
    ],
}


LAST: dict[str, object] = {}  # the last request body, for tests that check what was sent
FLAKY = [0]  # requests mentioning "flaky" fail every other time with 503 (retry tests)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/last":
            self.send_error(404)
            return
        data = json.dumps(LAST).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        LAST.clear()
        LAST.update(body)
        request = body["messages"][-1]["content"]
        if "flaky" in request:
            FLAKY[0] += 1
            if FLAKY[0] % 2:
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "4")
                self.end_headers()
                self.wfile.write(b"busy")
                return
        plans = PLANS["flow" if "flow" in request else "net"]
        n = int(body.get("n", 1))
        choices = [
            {
                "index": i,
                "message": {
                    "role": "assistant",
                    "content": plans[(i + body.get("seed", 0)) % len(plans)],
                },
            }
            for i in range(n)
        ]
        data = json.dumps(
            {"object": "chat.completion", "model": body["model"], "choices": choices}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
