"""The sandbox repository: a loopback fake of Cloud, Server and Enterprise 4 for tests and demos.

`Sandbox` lives in `jupyter_repoconnect.testing.sandbox`; it is imported lazily here so that
loading the pytest plugin (`fixtures`) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faults import FAULT_KINDS, Fault
    from .records import TokenRecord
    from .sandbox import Sandbox

__all__ = ["FAULT_KINDS", "Fault", "Sandbox", "TokenRecord"]

_HOMES = {
    "Sandbox": "sandbox",
    "Fault": "faults",
    "FAULT_KINDS": "faults",
    "TokenRecord": "records",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
