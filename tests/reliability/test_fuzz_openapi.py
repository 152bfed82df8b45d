"""A bounded schemathesis run over openapi.yaml against a real Jupyter server: 0 5xx.

Every operation gets schema-valid and schema-invalid requests; the run fails on a server
error, an undocumented status or content type, a response that breaks its schema, or a
schema-invalid request that is accepted. The administrator's settings lock both domains
(and the account site) to the loopback sandbox, so no generated request leaves this machine.
``REPOCONNECT_RELIABILITY=full`` raises the examples per operation from 100 to 1000.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import server_config

from .conftest import FULL, record_figure

pytest.importorskip("schemathesis")

EXAMPLES = 1000 if FULL else 100
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


@pytest.fixture
def jp_server_config(sandbox: Any) -> Any:
    settings = {
        "server_domain": sandbox.urls["server"],
        "enterprise_domain": sandbox.urls["enterprise"],
        "allow_domain_change": False,
        "timeout": 2.0,
    }
    if "account" in sandbox.urls:  # the Anaconda Cloud account site, also on loopback
        settings["account_domain"] = sandbox.urls["account"]
    return server_config(settings)


async def test_schemathesis_finds_no_server_error(
    rest: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str], tmp_path: Path
) -> None:
    rest.env.condarc.write_text("channels:\n  - defaults\n")
    spec = Path(str(files("jupyter_repoconnect") / "openapi.yaml"))
    st = Path(sys.executable).parent / "st"
    command = [str(st)] if st.exists() else [sys.executable, "-m", "schemathesis.cli"]
    ((name, value),) = jp_auth_header.items()
    # 413 (a body over 256 KiB, documented in openapi.yaml) is a refusal too
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[checks.negative_data_rejection]\n"
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", '
        '"422", "428", "429"]\n'
    )
    proc = await asyncio.create_subprocess_exec(
        *command,
        "--config-file",
        str(config),
        "run",
        str(spec),
        "--url",
        f"http://127.0.0.1:{jp_http_port}{jp_base_url}repoconnect",
        "--header",
        f"{name}: {value}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        "10",
        "--workers",
        "1",
        "--no-color",
        "--generation-database",
        "none",
        "--request-timeout",
        "20",
        "--generation-allow-x00",
        "true",
        "--suppress-health-check",
        "all",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    out, _ = await proc.communicate()
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-6000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", text)
    assert generated and generated.group(1) == generated.group(2), text[-3000:]
    record_figure("fuzz", f"{int(generated.group(1)):,}")
