"""Credential sinks: what other package managers (rattler/pixi, mamba) need to use the
connection conda got. conda's own files (.condarc, the token store) are written by the sign-in
itself; each module here is one more client, listed in :mod:`.registry`."""
