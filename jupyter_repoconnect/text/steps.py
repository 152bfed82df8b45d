"""The next step a text surface adds to a core error: the core's messages name no command."""

from __future__ import annotations

from ..core.errors import Code, RepoConnectError

# ``{prog}``: the command typed; ``{domain_services}``: the services that take a domain.
NEXT_STEP: dict[Code, str] = {
    Code.DOMAIN_REQUIRED: "Set it with: {prog} domain {domain_services} URL (or give --domain).",
    Code.NO_CHANNEL_LISTING: "Add them with: {prog} channels add NAME... [--to default_channels]",
    Code.NO_CHANNELS: "Give them with: {prog} channels add NAME... [--to default_channels]",
    Code.CONFIRM_DEFAULTS: "Add --yes to remove it anyway.",
    Code.CONFIRM_REISSUE: "Add --yes to reissue it.",
}


def error_text(exc: RepoConnectError, prog: str) -> str:
    """The core's message followed by this surface's next step for its code, if any."""
    step = NEXT_STEP.get(exc.code)
    if step is None:
        return exc.message
    from ..core.services import registry

    typed = "|".join(s.id for s in registry.all_services() if s.needs_domain)
    return f"{exc.message} {step.format(prog=prog, domain_services=typed)}"
