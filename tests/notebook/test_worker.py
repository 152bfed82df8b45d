"""The notebook panels' shared Worker: a call pressed while another runs waits its turn
(it used to be refused with "another repository call is still running")."""

from __future__ import annotations

import threading

import ipywidgets as w

from jupyter_repoconnect.widgets.common import Busy, Worker


def held_call(worker: Worker, busy: Busy, log: list[str]) -> threading.Event:
    """Start a call that runs until the returned event is set (a channel page loading)."""
    release = threading.Event()

    def load() -> str:
        assert release.wait(10)
        return "page"

    assert worker.submit(load, log.append, lambda e: log.append(repr(e)), busy, "Loading…")
    return release


def test_a_call_pressed_while_another_runs_waits_and_then_runs() -> None:
    worker, log = Worker(), []
    picker, status = Busy(), Busy()
    release = held_call(worker, picker, log)
    sign_out = w.Button()
    assert worker.submit(lambda: "signed out", log.append, log.append, status, "Signing out…",
                         [sign_out])  # fmt: skip
    assert sign_out.disabled and status.active  # waiting, and it says so
    assert "after the call in progress" in status.value
    release.set()
    worker.wait()
    assert log == ["page", "signed out"]
    assert not sign_out.disabled and not status.active and not picker.active


def test_the_same_action_pressed_twice_while_waiting_runs_once() -> None:
    worker, log = Worker(), []
    busy = Busy()
    release = held_call(worker, busy, log)
    calls: list[int] = []
    for _ in range(3):
        worker.submit(lambda: calls.append(1), log.append, log.append, busy, "Signing out…")
    release.set()
    worker.wait()
    assert calls == [1]


def test_a_failed_call_does_not_stop_the_ones_waiting() -> None:
    worker, log = Worker(), []
    busy = Busy()
    release = threading.Event()

    def boom() -> None:
        release.wait(10)
        raise RuntimeError("refused")

    worker.submit(boom, log.append, lambda e: log.append(str(e)), busy, "First…")
    worker.submit(lambda: "second", log.append, log.append, Busy(), "Second…")
    release.set()
    worker.wait()
    assert log == ["refused", "second"]


def test_a_control_disabled_for_another_reason_stays_disabled() -> None:
    worker, log = Worker(), []
    release = held_call(worker, Busy(), log)
    off = w.Button(disabled=True)
    worker.submit(lambda: None, log.append, log.append, Busy(), "Waiting…", [off])
    release.set()
    worker.wait()
    assert off.disabled
