"""HTTP clients of the three repository services. Endpoint paths live only here."""

from urllib.parse import urlsplit, urlunsplit


def insert_token(url: str, token: str) -> str:
    """conda's rule: put ``/t/<TOKEN>`` right after the host."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/t/{token}{parts.path}"))
