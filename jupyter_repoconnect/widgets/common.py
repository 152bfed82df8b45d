"""Pieces every panel shares: a worker that runs Connector calls off the kernel's main
thread, a busy indicator, an inline message line, and text fields whose button acts on what
the user saw (Fence)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as w
from traitlets import Int

from ..core import Connector
from ..core.errors import Code, RepoConnectError
from . import default_connector

_SPINNER = (
    "<style>@keyframes repoconnect-spin{to{transform:rotate(360deg)}}</style>"
    '<span style="display:inline-block;width:0.9em;height:0.9em;margin-right:0.4em;'
    "vertical-align:middle;border:2px solid var(--jp-brand-color1,#1976d2);"
    "border-right-color:transparent;border-radius:50%;"
    'animation:repoconnect-spin 0.8s linear infinite">'
    "</span>"
)


# What a panel's user does next, by error code: the core's messages name no button.
NEXT_STEP: dict[Code, str] = {
    Code.DOMAIN_REQUIRED: 'Enter the domain, then click "Set Domain".',
    Code.NO_CHANNEL_LISTING: "Add them in Configure Conda.",
    Code.NO_CHANNELS: (
        'Tick "Add to channels" or "Add to default_channels", then click "Add channels".'
    ),
    Code.CONFIRM_REISSUE: 'Click "Reissue and revoke the current token" to go on.',
    Code.CONFIRM_DEFAULTS: "Tick 'Remove defaults anyway' to save.",
}


def error_text(exc: BaseException) -> str:
    """What a user reads when a call fails: the core's message and the panel's next step,
    never a raw exception text (which might quote a URL carrying a token)."""
    if isinstance(exc, RepoConnectError):
        step = NEXT_STEP.get(exc.code)
        return f"{exc.message} {step}" if step else exc.message
    return f"Something went wrong ({type(exc).__name__}). Please try again."


class Message(w.HTML):
    """One line of feedback under a form; text is always escaped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = ""
        self.text = ""

    def show(self, text: str, kind: str = "info") -> None:
        colors = {
            "info": "inherit",
            "success": "var(--jp-success-color1, #388e3c)",
            "warning": "var(--jp-warn-color0, #b45f06)",
            "error": "var(--jp-error-color1, #d32f2f)",
        }
        self.kind, self.text = kind, text
        self.value = f'<span style="color:{colors[kind]}">{escape(text)}</span>'

    def error(self, text: str) -> None:
        self.show(text, "error")

    def clear(self) -> None:
        self.kind = self.text = ""
        self.value = ""


class Busy(w.HTML):
    """A spinner with a short label, shown while a call is running."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"

    def start(self, label: str) -> None:
        self.value = f"{_SPINNER}{escape(label)}"
        self.layout.display = None

    def stop(self) -> None:
        self.layout.display = "none"
        self.value = ""

    @property
    def active(self) -> bool:
        return self.layout.display != "none"


@dataclass
class _Job:
    call: Callable[[], Any]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]
    busy: Busy
    label: str
    controls: list[w.Widget]


class Worker:
    """Runs one Connector call at a time; in a thread by default so the kernel stays
    responsive while a repository answers. A call submitted while another runs waits its
    turn (panels share a worker: Sign out pressed while the picker loads a page is not
    refused). ``wait()`` blocks until everything started or waiting (including calls started
    by completion callbacks) has finished."""

    def __init__(self, background: bool = True) -> None:
        self.background = background
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._calling = False  # True while a Connector call runs (not during its callbacks)
        self._waiting: deque[_Job] = deque()
        self.callback_error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._calling

    def submit(
        self,
        call: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        busy: Busy,
        label: str,
        controls: Iterable[w.Widget] = (),
    ) -> bool:
        """Start ``call`` (or queue it behind the running one); ``done(result)`` or
        ``failed(exc)`` runs afterwards. False: the same action already waits."""
        # controls disabled for another reason stay so afterwards
        job = _Job(call, done, failed, busy, label, [c for c in controls if not c.disabled])
        with self._lock:
            if self._calling:
                if any(q.busy is busy and q.label == label for q in self._waiting):
                    return False  # pressed twice: it runs once
                self._waiting.append(job)
                busy.start(f"{label} (after the call in progress)")
                for c in job.controls:
                    c.disabled = True  # not pressed again while it waits
                return True
            self._calling = True
            self._begin(job)
        if self.background:
            thread = threading.Thread(
                target=self._run, args=(job,), name="repoconnect-worker", daemon=True
            )
            # started before wait() can see it: joining an unstarted thread raises
            thread.start()
            self._thread = thread
            return True
        self._run(job)
        self._raise_callback_error()
        return True

    @staticmethod
    def _begin(job: _Job) -> None:
        job.busy.start(job.label)
        for c in job.controls:
            c.disabled = True

    def _run(self, job: _Job | None) -> None:
        """Run ``job`` and then every call that waited for it, in this thread."""
        while job is not None:
            try:
                result, error = job.call(), None
            except Exception as exc:  # shown inline; nothing may escape a thread silently
                result, error = None, exc
            finally:
                job.busy.stop()
                for c in job.controls:
                    c.disabled = False
                with self._lock:
                    self._calling = False
            try:
                if error is None:
                    job.done(result)
                else:
                    job.failed(error)
            except Exception as exc:  # a bug in a view update: re-raised by wait()
                self.callback_error = exc
            job = self._next()

    def _next(self) -> _Job | None:
        """The call waiting longest, begun; None while a callback's own call runs."""
        with self._lock:
            if self._calling or not self._waiting:
                return None
            job = self._waiting.popleft()
            self._calling = True
            self._begin(job)
            return job

    def wait(self, timeout: float | None = 120.0) -> None:
        """Block until no call is running (callbacks may chain further calls)."""
        while True:
            thread = self._thread
            if thread is None:
                break
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError("The repository call is still running.")
            if self._thread is thread:
                self._thread = None
        self._raise_callback_error()

    def _raise_callback_error(self) -> None:
        if self.callback_error is not None:
            exc, self.callback_error = self.callback_error, None
            raise exc


class Text(w.Text):
    """A text field a Fence waits for: ``_synced`` is the fence count it sent back."""

    _synced = Int(0).tag(sync=True)


class Password(w.Password):
    """A password field a Fence waits for (see Text)."""

    _synced = Int(0).tag(sync=True)


class Fence(w.Widget):
    """Runs a button's action once every keystroke typed into ``fields`` before the click has
    reached the kernel, so the action reads the values the user saw when clicking.

    ipywidgets sends a field's keystrokes as state patches, one in flight per widget and the
    rest held (merged) in the browser until the kernel is idle, while a click is a message
    sent at once: it overtakes held keystrokes. So the kernel bumps ``count``; a directional
    link in the browser copies it into each field's ``_synced``, which that field sends back
    through its own queue, behind its held keystrokes. Once every field has sent the new count
    back, the kernel holds their values as typed before the click.
    """

    count = Int(0).tag(sync=True)

    def __init__(self, fields: Iterable[Text | Password]) -> None:
        super().__init__()
        self.fields = list(fields)
        self._links = [w.jsdlink((self, "count"), (f, "_synced")) for f in self.fields]
        self._waiting: set[int] = set()
        self._actions: list[Callable[[], None]] = []
        for field in self.fields:
            field.observe(self._arrived, "_synced")

    def then(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the fields have synced (a second press waits for the same)."""
        if action not in self._actions:
            self._actions.append(action)
        self._waiting = {id(f) for f in self.fields}
        self.count += 1

    def _arrived(self, change: dict[str, Any]) -> None:
        if change["new"] != self.count or not self._waiting:
            return  # an older fence, or a page reload re-linking
        self._waiting.discard(id(change["owner"]))
        if not self._waiting:
            actions, self._actions = self._actions, []
            for action in actions:
                action()

    def close(self) -> None:
        for link in self._links:
            link.close()
        super().close()


class SubmitButton(w.Button):
    """A button that reads text fields: a click from the browser (or Enter in a field given
    to ``submit_on_enter``) acts once the fields have synced (Fence); ``click()`` acts at once."""

    def __init__(self, fence: Fence, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fence = fence

    def _handle_button_msg(self, _: Any, content: dict[str, Any], buffers: Any) -> None:
        if content.get("event", "") == "click":
            self.press()

    def press(self) -> None:
        """What the browser's click and Enter do."""
        if not self.disabled:
            self.fence.then(self._act)

    def _act(self) -> None:
        if not self.disabled:  # a call may have started while the fields synced
            self.click()

    def submit_on_enter(self, *fields: Text | Password) -> None:
        for field in fields:
            field.on_msg(self._field_message)

    def _field_message(self, _: Any, content: dict[str, Any], buffers: Any) -> None:
        if content.get("event", "") == "submit":  # Enter, sent by ipywidgets' text views
            self.press()


class Panel(w.VBox):
    """Base of the panels: a connector, a worker, a busy indicator and a message line."""

    title = "Repository connection"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        worker: Worker | None = None,
        background: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.connector = connector or default_connector()
        self.worker = worker or Worker(background)
        self.busy = Busy()
        self.message = Message()

    def run(
        self,
        label: str,
        call: Callable[[], Any],
        done: Callable[[Any], None],
        controls: Iterable[w.Widget] = (),
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Run one Connector call with the busy indicator; errors land in the message line."""
        self.message.clear()
        started = self.worker.submit(
            call,
            done,
            failed or (lambda exc: self.message.error(error_text(exc))),
            self.busy,
            label,
            controls,
        )
        if not started:
            self.message.show(f"{label.rstrip('…')} is already waiting for its turn.")
        return started

    def wait(self, timeout: float | None = 120.0) -> None:
        """Block until the panel's pending repository calls are done (handy in scripts/tests)."""
        self.worker.wait(timeout)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            # The default text repr lists trait values; keep it short and secret-free.
            data["text/plain"] = (
                f"{self.title} (an interactive panel: open this notebook in Jupyter)"
            )
        return data
