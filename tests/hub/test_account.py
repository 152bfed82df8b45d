"""The Anaconda Cloud account's device sign-in works through the hub: the person approves on
the account site, not on the single-user server's 127.0.0.1."""

from __future__ import annotations

import ssl
import time
import urllib.parse
import urllib.request

from .conftest import HubSetup


def approve(verification_uri: str, user_code: str, ca_path: str) -> int:
    """What the person does in any browser: the account site's device page, Approve."""
    form = urllib.parse.urlencode({"user_code": user_code, "action": "approve"}).encode()
    context = ssl.create_default_context(cafile=ca_path)
    request = urllib.request.Request(verification_uri.split("?")[0], data=form, method="POST")
    with urllib.request.urlopen(request, timeout=20, context=context) as response:
        return int(response.status)


def test_device_sign_in_through_the_hub(hub_env: HubSetup) -> None:
    hub = hub_env.hub
    a, b = hub_env.users
    status, login = hub.user_api(a, "POST", "account/login")
    assert status == 200, login
    assert login["verification_uri"].startswith(hub_env.sandbox.urls["account"])
    assert approve(login["verification_uri"], login["user_code"], str(hub_env.ca_path)) == 200

    deadline = time.monotonic() + 60
    while True:
        status, progress = hub.user_api(a, "GET", f"account/login?id={login['login_id']}")
        assert status == 200, progress
        if progress["state"] == "signed_in" or time.monotonic() > deadline:
            break
        time.sleep(progress.get("interval", 1))
    assert progress["state"] == "signed_in"
    assert progress["account"]["signed_in"] is True

    keyring = a.home / ".anaconda" / "keyring"
    info = keyring.stat()
    assert (info.st_uid, info.st_mode & 0o777) == (a.uid, 0o600)
    assert not (b.home / ".anaconda").exists()
    assert hub.user_api(b, "GET", "account")[1]["signed_in"] is False

    status, signed_out = hub.user_api(a, "POST", "account/logout")
    assert status == 200 and signed_out["signed_in"] is False
