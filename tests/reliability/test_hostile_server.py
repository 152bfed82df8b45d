"""Servers that answer slowly, endlessly or hugely (issue 22, point 5): the timeout is one
deadline for the whole sign-in, and an answer is read with a bound that fits what it is.

Each case runs the real CLI in a child process and measures it from outside: its wall time,
and its peak memory (the child's own ``VmHWM``), never a guess.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Answer = Callable[[socket.socket], None]


def drip(conn: socket.socket) -> None:
    """Headers at once, then one byte of a JSON body every 0.4 s, for ever: each read gets a
    byte well within the read timeout, so only a total deadline ends it."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    while True:
        conn.sendall(b" ")
        time.sleep(0.4)


def huge(conn: socket.socket) -> None:
    """A 300 MB JSON answer, sent as fast as it is read."""
    size = 300 * 1024 * 1024
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {size}\r\n\r\n".encode()
    )
    chunk = b" " * (1 << 20)
    for _ in range(size // len(chunk)):
        conn.sendall(chunk)


@contextmanager
def hostile(answer: Answer) -> Iterator[str]:
    """A loopback HTTP server giving every request ``answer``; yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue

            def one(conn: socket.socket = conn) -> None:
                with conn:
                    try:
                        conn.recv(65536)
                        answer(conn)
                    except OSError:
                        pass  # the client gave up, as it should

            threading.Thread(target=one, daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


# The CLI with its own peak memory reported at exit: VmHWM of /proc/self/status, in KiB (not
# ru_maxrss, which Linux carries over an exec from the forked parent: pytest's own size).
CLI_WITH_PEAK = (
    "import atexit, re, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    sys.stderr.write('\\nPEAK ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
    "atexit.register(peak)\n"
    "from jupyter_repoconnect.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run_cli(*args: str, stdin: str = "") -> tuple[str, int, float, int]:
    """(output, exit code, wall seconds, peak memory in MiB) of ``jupyter repoconnect ARGS``."""
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", CLI_WITH_PEAK, *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    seconds = time.monotonic() - began
    (peak_kib,) = re.findall(r"^PEAK (\d+)$", result.stderr, re.M)
    return result.stdout + result.stderr, result.returncode, seconds, int(peak_kib) // 1024


def test_a_dripping_server_cannot_hold_a_sign_in_past_its_timeout(env: Any) -> None:
    before = env.condarc.read_bytes()
    with hostile(drip) as url:
        output, code, seconds, _ = run_cli(
            "--timeout", "3", "login", "server", "--domain", url,
            "--username", "demo", "--password-stdin", stdin="pw\n",
        )  # fmt: skip
    assert code == 1, output
    assert "did not finish within 3 seconds" in output
    assert seconds < 3 + 5, f"took {seconds:.1f} s"  # the deadline, plus the CLI's start
    assert env.condarc.read_bytes() == before


def test_a_300_mb_answer_is_refused_without_reading_it_all(env: Any) -> None:
    before = env.condarc.read_bytes()
    with hostile(huge) as url:
        output, code, seconds, peak = run_cli(
            "login", "server", "--domain", url,
            "--username", "demo", "--password-stdin", stdin="pw\n",
        )  # fmt: skip
    assert code == 1, output
    assert "larger than" in output
    # measured: the CLI's own start is ~60-90 MiB; the answer's 300 MB never is in memory
    assert peak < 200, f"peak memory {peak} MiB"
    assert env.condarc.read_bytes() == before
    print(f"\n300 MB answer: refused in {seconds:.1f} s, child peak memory {peak} MiB")


def test_a_dripping_server_cannot_hold_a_call_outside_a_sign_in(env: Any, monkeypatch: Any) -> None:
    # the account's sign-in with an API key is not a repository sign-in (no Operation of its
    # own): each request's timeout is still its total deadline
    with hostile(drip) as url:
        monkeypatch.setenv("JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN", url)
        output, code, seconds, _ = run_cli(
            "--timeout", "3", "account", "login", "--api-key-stdin", stdin="k" * 40 + "\n"
        )  # fmt: skip
    assert code == 1, output
    assert "within 3 seconds" in output, output
    assert seconds < 3 + 5, f"took {seconds:.1f} s"


def test_caller_send_outside_an_operation_has_a_total_deadline() -> None:
    from jupyter_repoconnect.core.errors import ServiceTimeout
    from jupyter_repoconnect.core.http import Caller, current_operation, make_client
    from jupyter_repoconnect.core.settings import RepoConnectSettings

    caller = Caller(make_client(RepoConnectSettings(timeout=1.0)), "Hostile", "here")
    outcome: list[Any] = []

    def call(url: str) -> None:
        try:
            caller.send("GET", url + "/api/system")
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)
        outcome.append(current_operation())  # the request's own operation ended with it

    with hostile(drip) as url:
        began = time.monotonic()
        worker = threading.Thread(target=call, args=(url,), daemon=True)
        worker.start()
        worker.join(10)  # an endless drip: without a total deadline this never ends
        took = time.monotonic() - began
    assert not worker.is_alive(), "a dripping answer held the request past 10 s"
    assert isinstance(outcome[0], ServiceTimeout), outcome
    assert outcome[1] is None
    assert took < 1.0 + 1.0, f"took {took:.1f} s"  # the deadline plus one drip interval
