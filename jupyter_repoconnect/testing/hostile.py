"""A loopback HTTP server that answers as a hostile or broken one does, for tests of what the
core refuses. Unlike the sandbox it emulates no service: each test says what it answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (method, path) -> (status, headers, JSON body or None)
Answer = tuple[int, dict[str, str], Any]
Answers = Callable[[str, str, str], Answer]


@contextmanager
def hostile_server(answers: Answers) -> Iterator[str]:
    """Serve ``answers(method, path, root)`` on 127.0.0.1; yields the root URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, body = answers(self.command, self.path, root)
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - http.server's names

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    root = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield root
    finally:
        httpd.shutdown()
        httpd.server_close()
