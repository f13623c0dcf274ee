"""Security headers on every response; no caching of anything that depends on the session."""

import pytest

PAGES = ["/sign-in", "/sign-up", "/organizations", "/api/auth/session", "/healthz", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(signed_in, path):
    response = signed_in.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/organizations", "/api/auth/session", "/sign-in"])
def test_session_dependent_responses_are_not_stored(signed_in, path):
    assert signed_in.get(path).headers["Cache-Control"] == "no-store"


def test_htmx_partials_are_not_stored_either(signed_in):
    response = signed_in.htmx_get("/organizations")
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_carry_csp_and_may_be_cached(client):
    response = client.get("/static/js/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_sign_out_clears_site_cache_and_storage(signed_in):
    response = signed_in.post("/sign-out")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_have_no_inline_script_or_style(signed_in):
    for path in ("/sign-in", "/organizations"):
        page = signed_in.get(path).text
        assert "<script>" not in page and "style=" not in page
        assert "<style" not in page


@pytest.mark.settings(COOKIE_SECURE=True)
def test_https_deployments_send_hsts(client):
    assert client.get("/sign-in").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


@pytest.mark.settings(SERVER_NAME=None)
def test_the_trailing_slash_redirect_does_not_reflect_the_host_header(client):
    response = client.get("/organizations/acme?tab=a", headers={"Host": "evil.example"})

    assert response.status_code == 308
    assert response.headers["Location"] == "/organizations/acme/?tab=a"
