"""Every user's server loads the extension and sees the administrator's presets."""

from __future__ import annotations

from .conftest import HubSetup


def test_each_server_loads_the_extension_with_the_presets(hub_env: HubSetup) -> None:
    hub = hub_env.hub
    for user in hub_env.users:
        status, body = hub.user_api(user, "GET", "status")
        assert status == 200, (user.name, status, body)
        assert body["connected"] is False
        assert body["condarc_path"] == str(user.home / ".condarc")

        status, prefs = hub.user_api(user, "GET", "preferences")
        assert status == 200, (user.name, status, prefs)
        presets = {
            k: prefs[k]
            for k in (
                "server_domain",
                "enterprise_domain",
                "allow_domain_change",
                "allowed_services",
                "domains",
            )
        }
        assert presets == {
            "server_domain": hub_env.domain,
            "enterprise_domain": None,
            "allow_domain_change": False,
            "allowed_services": ["server"],
            "domains": {"server": hub_env.domain, "enterprise": None},
        }
        assert prefs["default_service"] == "server"
