"""Servers that answer slowly, endlessly or hugely (issue 22, point 5): the timeout is one
deadline for the whole sign-in, and an answer is read with a bound that fits what it is.

Each case runs the real CLI in a child process and measures it from outside: its wall time,
and its peak memory (``ru_maxrss`` of the child), never a guess.
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


# The CLI with its own peak memory reported at exit (ru_maxrss of that process, in KiB).
CLI_WITH_PEAK = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "f'\\nPEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
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
