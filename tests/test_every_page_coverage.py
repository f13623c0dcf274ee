"""The every-page browser scan covers every page: a new GET route must join ``PAGES`` (or say in
``EXCLUDED`` why it is not a page), and each listed path opens the endpoint it claims."""

import re

import pytest

from tests.every_page import EXCLUDED, PAGES

#: A provider configured by name only: its routes exist, and nothing here contacts it.
WITH_A_PROVIDER = {
    "OIDC_PROVIDERS": "test",
    "OIDC_TEST_ISSUER": "https://id.example.com",
    "OIDC_TEST_CLIENT_ID": "myapp",
    "OIDC_TEST_CLIENT_SECRET": "not a secret",
}


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


@pytest.mark.settings(**WITH_A_PROVIDER)
def test_every_get_route_is_scanned_or_excluded_with_a_reason(app):
    scanned = {page.endpoint for page in PAGES}
    assert get_endpoints(app) - scanned - set(EXCLUDED) == set()


@pytest.mark.settings(**WITH_A_PROVIDER)
def test_nothing_is_both_scanned_and_excluded_and_exclusions_are_real_routes(app):
    assert {page.endpoint for page in PAGES} & set(EXCLUDED) == set()
    assert set(EXCLUDED) - get_endpoints(app) == set()
    assert all(reason for reason in EXCLUDED.values())


@pytest.mark.settings(**WITH_A_PROVIDER)
def test_each_page_opens_the_endpoint_it_names(app):
    urls = app.url_map.bind("localhost")
    for page in PAGES:
        if page.endpoint is None:
            continue
        path = re.sub(r"\{(\w+)\}", "1", page.path.split("?")[0])
        assert urls.match(path, method="GET")[0] == page.endpoint, page.name


def test_page_names_are_unique():
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))
