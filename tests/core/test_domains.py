import pytest

from jupyter_repoconnect.core.domains import validate_domain
from jupyter_repoconnect.core.errors import BadInput


@pytest.mark.parametrize(
    "domain",
    ["https://anaconda.example.com", "http://10.0.0.5:8080", "https://repo.example.com/api"],
)
def test_accepts_full_urls(domain):
    assert validate_domain(domain) == domain


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("anaconda.example.com", "no http:// or https:// scheme"),
        (
            "https://anaconda.example.com/",
            "Remove the trailing slash: https://anaconda.example.com",
        ),
        ("https://anaconda example.com", "contains spaces"),
        (" https://anaconda.example.com", "contains spaces"),
        ("javascript:alert(1)", "no http:// or https:// scheme"),
        ("ftp://example.com", "no http:// or https:// scheme"),
        ("", "Please enter the domain"),
        ("https://", "has no host name"),
        ("https://user:pw@example.com", "must not contain a user name or password"),
        ("https://example.com/?x=1", "must not contain '?' or '#'"),
        ("https://example.com:99999", "is not a valid URL"),
        ("https://example.com/t/abc/api", "must not contain a token"),
    ],
)
def test_refuses_malformed_domains_with_the_rule(domain, words):
    with pytest.raises(BadInput) as info:
        validate_domain(domain)
    assert words in info.value.message
    assert "http://" in info.value.message or "https://" in info.value.message
    assert info.value.code == "invalid_domain"
