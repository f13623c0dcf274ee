"""Which providers exist: OIDC_PROVIDERS and OIDC_<N>_*; none configured, nothing shown."""

import pytest

from myapp import create_app
from myapp.oidc.providers import from_config, issuer_is_valid

MICROSOFT_COMMON = "https://login.microsoftonline.com/{tenantid}/v2.0"
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


def test_without_providers_there_are_no_buttons_and_no_routes(client):
    assert "Continue with" not in client.get("/sign-in").get_data(as_text=True)
    assert "Continue with" not in client.get("/sign-up").get_data(as_text=True)
    assert client.post("/sign-in/google").status_code == 404
    assert client.get("/sign-in/google/callback?state=x&code=y").status_code == 404


def test_without_providers_the_security_page_has_no_connected_accounts(signed_in):
    html = signed_in.get("/settings/security").get_data(as_text=True)
    assert "Connected accounts" not in html
    assert signed_in.post("/settings/security/connections/google/link").status_code == 404


def test_google_and_microsoft_need_only_a_client_id_and_secret():
    providers = from_config(
        {
            "OIDC_PROVIDERS": "google, Microsoft",
            "OIDC_GOOGLE_CLIENT_ID": "g-id",
            "OIDC_GOOGLE_CLIENT_SECRET": "g-secret",
            "OIDC_MICROSOFT_CLIENT_ID": "m-id",
            "OIDC_MICROSOFT_CLIENT_SECRET": "m-secret",
        }
    )
    assert [(p.name, p.label, p.issuer) for p in providers.values()] == [
        ("google", "Google", "https://accounts.google.com"),
        ("microsoft", "Microsoft", "https://login.microsoftonline.com/common/v2.0"),
    ]


def test_a_generic_provider_names_its_issuer_and_may_name_its_label():
    settings = {
        "OIDC_PROVIDERS": "okta,corp",
        "OIDC_OKTA_ISSUER": "https://example.okta.com",
        "OIDC_OKTA_CLIENT_ID": "o-id",
        "OIDC_OKTA_CLIENT_SECRET": "o-secret",
        "OIDC_CORP_ISSUER": "https://sso.corp.example",
        "OIDC_CORP_CLIENT_ID": "c-id",
        "OIDC_CORP_CLIENT_SECRET": "c-secret",
        "OIDC_CORP_LABEL": "Corp SSO",
    }
    labels = [(p.name, p.label) for p in from_config(settings).values()]
    assert labels == [("okta", "Okta"), ("corp", "Corp SSO")]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"OIDC_PROVIDERS": "okta"},
            "OIDC_OKTA_ISSUER, OIDC_OKTA_CLIENT_ID, OIDC_OKTA_CLIENT_SECRET",
        ),
        ({"OIDC_PROVIDERS": "google", "OIDC_GOOGLE_CLIENT_ID": "x"}, "OIDC_GOOGLE_CLIENT_SECRET"),
        ({"OIDC_PROVIDERS": "two-factor"}, "not a valid provider name"),
        (
            {
                "OIDC_PROVIDERS": "google,google",
                "OIDC_GOOGLE_CLIENT_ID": "x",
                "OIDC_GOOGLE_CLIENT_SECRET": "y",
            },
            "twice",
        ),
    ],
    ids=["generic without issuer", "missing secret", "bad name", "repeated"],
)
def test_an_incomplete_configuration_stops_the_app_from_starting(settings, message):
    with pytest.raises(RuntimeError, match=message):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_the_issuer_must_be_the_one_discovery_names():
    assert issuer_is_valid("https://accounts.google.com", {"iss": "https://accounts.google.com"})
    assert not issuer_is_valid("https://accounts.google.com", {"iss": "https://evil.example"})


def test_microsoft_multi_tenant_issuer_is_filled_in_from_the_tenant_id():
    own = MICROSOFT_COMMON.replace("{tenantid}", TENANT)
    assert issuer_is_valid(MICROSOFT_COMMON, {"iss": own, "tid": TENANT})
    # Another tenant's issuer, a tid that is not a GUID, or none at all: refused.
    other = MICROSOFT_COMMON.replace("{tenantid}", "00000000-0000-0000-0000-000000000000")
    assert not issuer_is_valid(MICROSOFT_COMMON, {"iss": other, "tid": TENANT})
    assert not issuer_is_valid(MICROSOFT_COMMON, {"iss": MICROSOFT_COMMON, "tid": "{tenantid}"})
    assert not issuer_is_valid(MICROSOFT_COMMON, {"iss": own})
    assert not issuer_is_valid(
        MICROSOFT_COMMON, {"iss": "https://evil.example/v2.0", "tid": TENANT}
    )


def test_without_providers_forms_lead_only_to_this_site(client):
    assert "form-action 'self';" in client.get("/sign-in").headers["Content-Security-Policy"]
