"""``%repo_connect`` in an in-process IPython shell: parsing, refusals, help and text output."""

from __future__ import annotations

import subprocess
import sys

import pytest
from IPython.core.error import UsageError

from jupyter_repoconnect.core import AuthenticationRefused
from jupyter_repoconnect.core.services import registry
from jupyter_repoconnect.magics import SUBCOMMANDS, RepoConnectFailed, RepoConnectMagics

from .conftest import ORIGINAL_CONDARC, PASSWORD_VAR, TOKEN_VAR, read_condarc


def test_loading_the_extension_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.instance().run_line_magic('load_ext', 'jupyter_repoconnect')\n"
        "heavy = ('ipywidgets', 'httpx', 'ruamel', 'jupyter_repoconnect.core')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_documents_every_subcommand_and_the_secret_flags(shell):
    doc = shell.find_line_magic("repo_connect").__doc__
    for sub in SUBCOMMANDS:
        assert f"%repo_connect {sub}" in doc
    for flag in ("--password-env", "--token-env", "--getpass", "--allow-literal-secret", "--to"):
        assert flag in doc
    assert "channels add NAME..." in doc


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("server --username demo --password s3cret-pw", "--password"),
        ("enterprise --username demo --password s3cret-pw", "--password"),
        ("cloud --token s3cret-pw", "--token"),
    ],
)
def test_a_literal_secret_is_refused_without_echoing_it(magic, env, line, flag):
    with pytest.raises(UsageError) as info:
        magic(line)
    message = str(info.value)
    assert "s3cret-pw" not in message
    assert flag in message and "notebooks get shared" in message.lower()
    assert "--allow-literal-secret" in message
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_allow_literal_secret_forces_it(magic, env):
    token = env.sandbox.cloud_tokens[0]
    ran = magic(f"cloud --token {token} --allow-literal-secret")
    assert "Signed in to Anaconda Professional" in ran.text
    assert token not in ran.text + ran.html


def test_wrong_secret_flag_for_the_service(magic):
    with pytest.raises(UsageError, match="signs in with a password"):
        magic("server --username demo --token-env X")
    with pytest.raises(UsageError, match="signs in with a token"):
        magic("cloud --password-env X")


def test_secret_given_two_ways_is_refused(magic, monkeypatch):
    monkeypatch.setenv(PASSWORD_VAR, "x")
    with pytest.raises(UsageError, match="one way only"):
        magic(f"server --username demo --password-env {PASSWORD_VAR} --getpass")


def test_missing_env_var_names_it_only_when_it_looks_like_a_name(magic, monkeypatch):
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    with pytest.raises(UsageError, match="NO_SUCH_VAR is not set"):
        magic("cloud --token-env NO_SUCH_VAR")
    # People paste the token itself where the variable name goes: never echo it.
    with pytest.raises(UsageError) as info:
        magic("cloud --token-env abcDEF123-pasted-token")
    assert "pasted" not in str(info.value)


def test_stray_arguments_are_not_echoed(magic):
    with pytest.raises(UsageError) as info:
        magic("server hunter2")
    assert "hunter2" not in str(info.value)


def test_without_widgets_sign_in_needs_every_input(magic):
    with pytest.raises(UsageError, match="--password-env VAR"):
        magic("server --username demo")


def test_password_env_needs_a_username(magic, monkeypatch):
    monkeypatch.setenv(PASSWORD_VAR, "x")
    with pytest.raises(UsageError, match="--username"):
        magic(f"server --password-env {PASSWORD_VAR}")


def test_status_renders_html_and_plain_text(magic, env):
    ran = magic("status")
    (output,) = ran.outputs
    assert {"text/plain", "text/html"} <= set(output.data)
    assert "Not signed in to a repository" in output.data["text/plain"]
    assert "<table>" in output.data["text/html"]
    assert "conda-forge" in output.data["text/plain"]


def test_server_flow_without_widgets(magic, env, monkeypatch):
    sandbox = env.sandbox
    password = sandbox.users["demo"]
    monkeypatch.setenv(PASSWORD_VAR, password)
    domain = sandbox.urls["server"]

    ran = magic(f"server --domain {domain} --username demo --password-env {PASSWORD_VAR}")
    assert "Signed in to Anaconda Server" in ran.text and domain in ran.text
    assert read_condarc(env.condarc)["channels"] == []
    # ... and says so: what the sign-in changed, and that the previous file comes back
    assert "Changed in .condarc: channels: [" in ran.text and "] → [] (" in ran.text
    assert f"channel_alias set to {domain}/api/repo" in ran.text
    assert "comes back at sign-out" in ran.text

    ran = magic("channels --limit 5")
    assert "1\u20135 of" in ran.text

    magic("channels add main conda-forge")
    magic("channels add main --to default_channels")
    data = read_condarc(env.condarc)
    # Channels by name under the channel_alias the sign-in wrote (as Navigator does).
    assert data["channel_alias"] == f"{domain}/api/repo"
    assert {"main", "conda-forge"} <= set(data["channels"])
    assert data["default_channels"] == ["main"]

    ran = magic("status")
    assert "demo" in ran.text and "conda-forge" in ran.text

    ran = magic("doctor")
    (output,) = ran.outputs
    assert {"text/plain", "text/html"} <= set(output.data)

    ran = magic("logout")
    assert "Not signed in" in ran.text
    assert "Signed out. .condarc is back to how it was before the sign-in." in ran.text
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    for secret in {password} | {r.token for r in sandbox.server_tokens.values()}:
        assert secret not in ran.text


def test_core_errors_are_one_plain_line(magic, env, monkeypatch):
    monkeypatch.setenv(PASSWORD_VAR, "wrong-password")
    domain = env.sandbox.urls["enterprise"]
    with pytest.raises(RepoConnectFailed) as info:
        magic(f"enterprise --domain {domain} --username demo --password-env {PASSWORD_VAR}")
    assert isinstance(info.value.error, AuthenticationRefused)
    (line,) = info.value._render_traceback_()
    assert "wrong-password" not in line
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_enterprise_shows_the_add_channels_by_hand_message(magic, env, monkeypatch):
    monkeypatch.setenv(PASSWORD_VAR, env.sandbox.users["demo"])
    domain = env.sandbox.urls["enterprise"]
    ran = magic(f"enterprise --domain {domain} --username demo --password-env {PASSWORD_VAR}")
    assert "add the channels you need" in ran.text
    magic("logout")
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_cloud_token_from_env_and_configure_in_text(magic, env, monkeypatch):
    token = env.sandbox.cloud_tokens[0]
    monkeypatch.setenv(TOKEN_VAR, token)
    magic(f"cloud --token-env {TOKEN_VAR}")
    repo = env.sandbox.urls["cloud"]
    assert read_condarc(env.condarc)["default_channels"] == [
        repo + "main",
        repo + "r",
        repo + "msys2",
    ]
    ran = magic("configure")
    assert "default_channels:" in ran.text and repo + "main" in ran.text
    magic("logout")
    magic("channels remove conda-forge")
    assert read_condarc(env.condarc)["channels"] == ["defaults"]
    with pytest.raises(RepoConnectFailed):
        magic("channels remove defaults")  # needs --yes
    magic("channels remove defaults --yes")
    assert read_condarc(env.condarc)["channels"] == []


def test_domain_show_and_set(magic, env):
    domain = env.sandbox.urls["server"]
    ran = magic(f"domain server {domain}")
    assert domain in ran.text
    label = registry.get("server").domain_label  # the service's own words
    assert f"{label}: {domain}" in magic("domain").text
    with pytest.raises(RepoConnectFailed, match="trailing slash"):
        magic(f"domain server {domain}/")
    with pytest.raises(UsageError):
        magic("domain cloud x")


def test_channels_unknown_action(magic):
    with pytest.raises(UsageError, match="add, remove or list"):
        magic("channels frobnicate")


def test_getpass_prompts_for_the_username_and_password(magic, env, monkeypatch):
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "demo")
    monkeypatch.setattr(
        "getpass.getpass", lambda prompt: prompts.append(prompt) or env.sandbox.users["demo"]
    )
    ran = magic(f"server --domain {env.sandbox.urls['server']} --getpass")
    assert prompts == ["Username: ", "Password: "]
    assert "Signed in to Anaconda Server" in ran.text
    assert env.sandbox.users["demo"] not in ran.text + ran.html
    magic("logout")


@pytest.fixture
def shown(shell, monkeypatch):
    """Pretend to be a kernel with a frontend; collect the objects the magic displays."""
    objects: list = []
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    monkeypatch.setattr(RepoConnectMagics, "_display", staticmethod(objects.append))
    return objects


def test_in_a_kernel_subcommands_show_panels(shell, shown, env):
    from jupyter_repoconnect.widgets import (
        ConfigureCondaPanel,
        ConnectPanel,
        RepoConnectPanel,
        StatusPanel,
    )

    domain = env.sandbox.urls["enterprise"]
    shell.run_line_magic("repo_connect", f"enterprise --domain {domain} --username demo")
    (panel,) = shown
    assert isinstance(panel, ConnectPanel)
    assert (panel.service.value, panel.domain.value, panel.username.value) == (
        "enterprise",
        domain,
        "demo",
    )
    for line, kind in (
        ("status", StatusPanel),
        ("configure", ConfigureCondaPanel),
        ("", RepoConnectPanel),
    ):
        shell.run_line_magic("repo_connect", line)
        assert isinstance(shown[-1], kind)
        shown[-1].wait()
    bundle = shown[-1]._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    shell.run_line_magic("repo_connect", "status --text")
    assert type(shown[-1]).__name__ == "StatusView"


def test_doctor_checks_a_sign_in_that_fails(magic, env):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    ran = magic(f"doctor server --domain {closed}")
    assert f"Nothing answers at {closed}" in ran.text
    assert "Not signed in" not in ran.text
    with pytest.raises(UsageError, match="at most a service"):
        magic("doctor nope")
