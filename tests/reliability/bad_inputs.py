"""The table of bad inputs: what a hostile or clumsy user can type, on the CLI and over REST.

Every case must be refused with a clear message (CLI: exit 1 or 2 and one line on stderr;
REST: a 4xx JSON error), never an unexpected error, and must change 0 bytes on disk.
``state`` is what the machine looks like before: "out" (signed out), "server" (signed in to
Anaconda Server), or a broken file-system state ("condarc-dir", "condarc-fifo", ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PASSWORD = "demo-password"
SURROGATE = "\udcff"  # what Python makes of an undecodable byte in argv or the environment

# (label, value) of text no field should accept or pass on unchecked.
TEXTS: list[tuple[str, str]] = [
    ("NUL", "ab\x00cd"),
    ("bell", "ab\x07cd"),
    ("escape sequence", "ab\x1b[31mcd"),
    ("DEL", "ab\x7fcd"),
    ("lone surrogate", "ab\ud800cd"),
    ("1 MB", "x" * 1_000_000),
]
# The same in argv, where NUL cannot occur and an argument is at most 128 kB.
ARGV_TEXTS: list[tuple[str, str]] = [
    ("bell", "ab\x07cd"),
    ("escape sequence", "ab\x1b[31mcd"),
    ("undecodable byte", "ab" + SURROGATE + "cd"),
    ("100 kB", "x" * 100_000),
]
BAD_CHANNELS: list[tuple[str, str]] = [
    ("http:// alone", "http://"),
    ("https:// alone", "https://"),
    ("ftp URL", "ftp://example.com/channel"),
    ("javascript URL", "javascript:alert(1)"),
    ("relative path", "../../etc"),
    ("dot-dot in URL", "https://example.com/a/../../etc"),
    ("file:// without path", "file://"),
    ("URL with password", "https://user:pw@example.com/repo/main"),
    ("bad port", "https://example.com:99999/main"),
    ("space", "my channel"),
    ("masked token", "https://example.com/t/<TOKEN>/main"),
    ("bell", "ab\x07cd"),
]
BAD_DOMAINS: list[tuple[str, str]] = [
    ("empty", ""),
    ("blank", "   "),
    ("http:// alone", "http://"),
    ("javascript", "javascript:alert(1)"),
    ("5,000-character host", "https://" + "a" * 5000 + ".com"),
    ("64-character label", "https://" + "a" * 64 + ".example.com"),
    ("empty label", "https://a..example.com"),
    ("ftp", "ftp://example.com"),
]


@dataclass
class Case:
    id: str
    surface: str  # "CLI" or "REST"
    shown: str  # the input, printable, for the table
    state: str = "out"
    argv: list[str] = field(default_factory=list)
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    method: str = ""
    route: str = ""
    body: Any = None
    raw: str | None = None
    params: dict[str, str] | None = None
    argv_of: Callable[[Any], list[str]] | None = None  # argv needing the sandbox's URLs
    body_of: Callable[[Any], Any] | None = None  # body needing the sandbox's URLs


def show(value: str, limit: int = 40) -> str:
    """``value`` for a Markdown table: control characters as <U+XXXX>, long values counted."""
    if len(value) > limit:
        head = show(value[:12], limit)
        return f"{head}… ({len(value):,} chars)"
    out = []
    for ch in value:
        if ch == "|":
            out.append("\\|")
        elif not ch.isprintable() or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


def _cli() -> list[Case]:
    cases: list[Case] = []

    def add(id: str, shown: str, argv: list[str], **kw: Any) -> None:
        cases.append(Case(f"cli-{id}", "CLI", shown, argv=argv, **kw))

    for label, value in ARGV_TEXTS:
        add(
            f"login-domain-{label}",
            f"login server --domain {show(value)}",
            [],
            argv_of=lambda sb, v=value: ["login", "server", "--domain", v, "--username",
                                         "demo", "--password-stdin"],
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        add(
            f"login-username-{label}",
            f"login server --username {show(value)}",
            [],
            argv_of=lambda sb, v=value: ["login", "server", "--domain", sb.urls["server"],
                                         "--username", v, "--password-stdin"],
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        add(f"domain-{label}", f"domain server {show(value)}", ["domain", "server", value])
        add(
            f"token-env-{label}",
            f"login cloud --token-env T, T={show(value)}",
            ["login", "cloud", "--token-env", "T"],
            env={"T": value},
        )
        add(
            f"filter-{label}",
            f"channels --available --filter {show(value)}",
            ["channels", "--available", "--filter", value],
            state="server",
        )
        add(
            f"remove-{label}",
            f"channels remove {show(value)}",
            ["channels", "remove", value],
            state="server",
        )
    for label, value in TEXTS:
        add(
            f"token-stdin-{label}",
            f"login cloud --token-stdin < {show(value)}",
            ["login", "cloud", "--token-stdin"],
            stdin=value + "\n",
        )
        if label != "1 MB":  # a long password is only refused by the server (below)
            add(
                f"password-stdin-{label}",
                f"login server --password-stdin < {show(value)}",
                [],
                argv_of=lambda sb: ["login", "server", "--domain", sb.urls["server"],
                                    "--username", "demo", "--password-stdin"],
                stdin=value + "\n",
            )  # fmt: skip
    for label, value in BAD_CHANNELS:
        add(
            f"add-{label}",
            f"channels add {show(value)}",
            ["channels", "add", value],
            state="server",
        )
    for label, value in BAD_CHANNELS[:5]:
        add(
            f"add-default-{label}",
            f"channels add --to default_channels {show(value)}",
            ["channels", "add", "--to", "default_channels", value],
            state="server",
        )
    for label, value in BAD_DOMAINS:
        add(f"domain-{label}", f"domain server {show(value)}", ["domain", "server", value])
    for flag, value in (
        ("timeout nan", ["--timeout", "nan"]),
        ("timeout inf", ["--timeout", "inf"]),
        ("timeout -1", ["--timeout", "-1"]),
        ("limit 0", ["--limit", "0"]),
        ("limit 501", ["--limit", "501"]),
        ("limit abc", ["--limit", "abc"]),
        ("offset -1", ["--offset", "-1"]),
    ):
        add(
            f"channels-{flag}",
            f"channels --available {' '.join(value)}",
            ["channels", "--available", *value],
            state="server",
        )
    for label, position in (("0", "0"), ("huge", "99999999999999999999"), ("text", "x")):
        add(
            f"move-{label}",
            f"channels move defaults --to-position {position}",
            ["channels", "move", "defaults", "--to-position", position],
        )
    for state, what in (
        ("condarc-dir", ".condarc is a folder"),
        ("condarc-fifo", ".condarc is a FIFO"),
        ("state-file", "the state folder is a file"),
        ("ini-dir", "repoconnect.ini is a folder"),
    ):
        # status of a signed-out machine needs no state folder, and answers with a warning
        # about a broken .condarc (tests/reliability/test_file_states.py) rather than refusing
        if state == "ini-dir":
            add(f"status-{state}", f"status ({what})", ["status"], state=state)
        add(
            f"add-{state}",
            f"channels add conda-forge ({what})",
            ["channels", "add", "conda-forge"],
            state=state,
        )
        add(
            f"login-{state}",
            f"login cloud ({what})",
            ["login", "cloud", "--token-stdin"],
            state=state,
            stdin="will-be-replaced\n",
        )
    for label, value in TEXTS:
        add(
            f"account-api-key-stdin-{label}",
            f"account login --api-key-stdin < {show(value)}",
            ["account", "login", "--api-key-stdin"],
            stdin=value + "\n",
        )
    for label, value in ARGV_TEXTS:
        add(
            f"account-token-org-{label}",
            f"account token install {show(value)}",
            ["account", "token", "install", value],
        )
    add(
        "ca-bundle-folder",
        "login cloud --ca-bundle <a folder>",
        ["login", "cloud", "--token-stdin", "--ca-bundle", "/"],
        stdin="whatever\n",
    )
    return cases


def _rest() -> list[Case]:
    cases: list[Case] = []

    def add(id: str, shown: str, method: str, route: str, **kw: Any) -> None:
        cases.append(Case(f"rest-{id}", "REST", shown, method=method, route=route, **kw))

    for label, value in TEXTS:
        for key in ("domain", "username", "password"):
            add(
                f"connect-{key}-{label}",
                f"POST connect {key}={show(value)}",
                "POST",
                "connect",
                body_of=lambda sb, k=key, v=value: {
                    "service": "server",
                    "domain": sb.urls["server"],
                    "username": "demo",
                    "password": PASSWORD,
                    k: v,
                },
            )
        add(
            f"connect-token-{label}",
            f"POST connect token={show(value)}",
            "POST",
            "connect",
            body={"service": "cloud", "token": value},
        )
        add(
            f"preferences-{label}",
            f"PUT preferences server_domain=https://{show(value)}",
            "PUT",
            "preferences",
            body={"server_domain": "https://" + value},
        )
    for label, value in [*TEXTS, ("100 kB", "x" * 100_000)]:
        add(
            f"account-api-key-{label}",
            f"POST account/api-key api_key={show(value)}",
            "POST",
            "account/api-key",
            body={"api_key": value},
        )
    for label, value in [*TEXTS[:5], ("path", "../../etc"), ("300 chars", "o" * 300)]:
        add(
            f"account-token-org-{label}",
            f"POST account/token org={show(value)}",
            "POST",
            "account/token",
            body={"org": value},
        )
    # (tornado turns control characters of query arguments into spaces before any handler)
    add(
        "channels-q-201-chars",
        "GET channels q=x… (201 chars)",
        "GET",
        "channels",
        params={"q": "x" * 201},
        state="server",
    )
    add(
        "connect-token-100kB",
        "POST connect token=x… (100,000 chars)",
        "POST",
        "connect",
        body={"service": "cloud", "token": "x" * 100_000},
    )
    for label, value in BAD_DOMAINS:
        add(
            f"preferences-domain-{label}",
            f"PUT preferences server_domain={show(value)}",
            "PUT",
            "preferences",
            body={"server_domain": value},
        )
    for label, value in [*BAD_CHANNELS, ("NUL", "ab\x00cd"), ("lone surrogate", "a\ud800")]:
        add(
            f"add-{label}",
            f"POST channels channels=[{show(value)}]",
            "POST",
            "channels",
            body={"channels": [value]},
            state="server",
        )
        add(
            f"condarc-{label}",
            f"PUT condarc channels=[defaults, {show(value)}]",
            "PUT",
            "condarc",
            body={"channels": ["defaults", "conda-forge", value], "version": "<current>"},
        )
    for label, body in (
        ("service number", {"service": 1}),
        ("service null", {"service": None}),
        ("username list", {"service": "server", "username": [], "password": "x"}),
        ("password object", {"service": "server", "username": "demo", "password": {}}),
        ("unknown field", {"service": "cloud", "token": "x", "admin": True}),
    ):
        add(f"connect-{label}", f"POST connect {show(json.dumps(body), 60)}", "POST", "connect",
            body=body)  # fmt: skip
    for label, body in (
        ("channels string", {"channels": "conda-forge"}),
        ("channel number", {"channels": [1]}),
        ("2,000 channels", {"channels": [f"c{i}" for i in range(2000)]}),
    ):
        add(f"add-{label}", f"POST channels {label}", "POST", "channels", body=body,
            state="server")  # fmt: skip
    for label, body in (
        ("no version", {"channels": ["defaults"]}),
        ("version number", {"channels": ["defaults"], "version": 1}),
        ("confirm string", {"channels": ["x"], "version": "<current>", "confirm_defaults": "y"}),
        ("2,000 channels", {"channels": [f"c{i}" for i in range(2000)], "version": "<current>"}),
    ):
        add(f"condarc-{label}", f"PUT condarc {label}", "PUT", "condarc", body=body)
    for label, params in (
        ("limit empty", {"limit": ""}),
        ("limit text", {"limit": "ten"}),
        ("limit 0", {"limit": "0"}),
        ("limit 501", {"limit": "501"}),
        ("offset -1", {"offset": "-1"}),
        ("offset 10^30", {"offset": "1" + "0" * 30}),
        ("offset empty", {"offset": ""}),
        ("limit 1_0", {"limit": "1_0"}),
        ("limit +5", {"limit": "+5"}),
        ("limit Arabic-Indic digit", {"limit": "\u0665"}),
    ):
        add(f"channels-{label}", f"GET channels {label}", "GET", "channels", params=params,
            state="server")  # fmt: skip
    deep = "[" * 100_000 + "]" * 100_000
    for label, route, raw in (
        ("not JSON", "connect", "{service: cloud"),
        ("JSON array", "connect", '["cloud"]'),
        ("nested 100,000 deep", "connect", deep),
        ("nested 20 deep", "channels", '{"channels": ' + "[" * 20 + "]" * 20 + "}"),
        ("1 MB body", "connect", json.dumps({"service": "cloud", "token": "x" * 1_000_000})),
        ("NaN", "preferences", '{"server_domain": NaN}'),
        ("invalid UTF-8 escape", "connect", '{"service": "\\udcff"}'),
    ):
        method = "PUT" if route == "preferences" else "POST"
        add(f"body-{label}", f"{method} {route}: {label}", method, route, raw=raw)
    for state, what in (
        ("condarc-dir", ".condarc is a folder"),
        ("condarc-fifo", ".condarc is a FIFO"),
    ):
        # GET status answers 200 with the problem among its warnings (test_file_states.py)
        add(f"condarc-get-{state}", f"GET condarc ({what})", "GET", "condarc", state=state)
    add(
        "connect-state-file",
        "POST connect (the state folder is a file)",
        "POST",
        "connect",
        state="state-file",
        body_of=lambda sb: {"service": "cloud", "token": sb.cloud_tokens[0]},
    )
    return cases


CASES: list[Case] = _cli() + _rest()
