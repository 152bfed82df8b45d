"""HTTP requests each flow makes (read from the sandbox's request log) vs the protocol minimum:
the fewest requests that still tell every failure apart with a clear message.

Goal: the minimum, except Server sign-in, where Navigator's health check (``GET /api/system``,
which tells "not an Anaconda Server" from wrong credentials) makes 3 acceptable.
Usage: ``python bench/requests.py [--quick]``.
"""

from __future__ import annotations

from collections.abc import Callable

from common import Figure, main_for, throwaway_home

# flow: (protocol minimum, allowed, why)
MINIMUM = {
    "Cloud sign-in": (1, 1, "one repodata request validates the token"),
    "Cloud sign-out": (0, 0, "the token is only deleted locally"),
    "Server sign-in": (2, 3, "login, create the access token (+ Navigator's /api/system)"),
    "Server first channel page (50 channels)": (1, 1, "one listing page of up to 1000"),
    "Server later channel page": (0, 0, "filtered from the list already fetched"),
    "Server sign-out": (1, 1, "revoke the access token"),
    "Enterprise 4 sign-in": (1, 1, "POST authentications (type asked only if needed)"),
    "Enterprise 4 sign-out": (1, 1, "DELETE authentications"),
    "status": (0, 0, "local files only"),
}


def run(quick: bool) -> list[Figure]:
    from jupyter_repoconnect.core import Connector
    from jupyter_repoconnect.testing import Sandbox

    figures = []
    with Sandbox() as sandbox, throwaway_home() as (root, env):
        import os

        os.environ["CONDA_TOKEN_REPO_URL"] = sandbox.urls["cloud"]
        (root / ".condarc").write_text("channels:\n  - defaults\n")
        user, password = next(iter(sandbox.users.items()))
        connector = Connector()

        def count(flow: str, action: Callable[[], object]) -> None:
            before = len(sandbox.request_log)
            action()
            made = sandbox.request_log[before:]
            minimum, allowed, why = MINIMUM[flow]
            calls = ", ".join(f"{r.method} {r.path.split('?')[0]}" for r in made) or "none"
            figures.append(
                Figure(
                    f"HTTP requests, {flow}", "requests", [float(len(made))], [float(minimum)],
                    "protocol minimum", f"<= {allowed}", max_value=float(allowed),
                    note=f"{why}; made: {calls}",
                )
            )  # fmt: skip

        count("Cloud sign-in", lambda: connector.connect("cloud", token=sandbox.cloud_tokens[0]))
        count("status", connector.status)
        count("Cloud sign-out", connector.disconnect)
        server = sandbox.urls["server"]
        count(
            "Server sign-in",
            lambda: connector.connect("server", domain=server, username=user, password=password),
        )
        count("Server first channel page (50 channels)", lambda: connector.available_channels())
        count("Server later channel page", lambda: connector.available_channels(offset=10))
        count("Server sign-out", connector.disconnect)
        enterprise = sandbox.urls["enterprise"]
        count(
            "Enterprise 4 sign-in",
            lambda: connector.connect(
                "enterprise", domain=enterprise, username=user, password=password
            ),
        )
        count("Enterprise 4 sign-out", connector.disconnect)
    return figures


if __name__ == "__main__":
    main_for(run, __doc__)
