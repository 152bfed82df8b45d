"""Core of jupyter_repoconnect: ``.condarc``, tokens, recorded state, service clients, Connector.

Imports nothing from Jupyter, IPython or ipywidgets.
"""

from .connector import Connector
from .errors import (
    AuthenticationRefused,
    BadInput,
    Cancelled,
    Conflict,
    CorruptCondarc,
    NotAllowed,
    NotConnected,
    RepoConnectError,
    ServiceTimeout,
    ServiceUnavailable,
    TLSFailure,
)
from .models import (
    Channel,
    ChannelPage,
    CondarcChannels,
    Diagnosis,
    Finding,
    Preferences,
    Status,
)
from .settings import RepoConnectSettings

__all__ = [
    "AuthenticationRefused",
    "BadInput",
    "Cancelled",
    "Channel",
    "ChannelPage",
    "CondarcChannels",
    "Conflict",
    "Connector",
    "CorruptCondarc",
    "Diagnosis",
    "Finding",
    "NotAllowed",
    "NotConnected",
    "Preferences",
    "RepoConnectError",
    "RepoConnectSettings",
    "ServiceTimeout",
    "ServiceUnavailable",
    "Status",
    "TLSFailure",
]
