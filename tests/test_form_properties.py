"""Property-based: arbitrary values posted to every form never cause a 5xx, and the database
changes only when the form was accepted.

Failed sign-in attempts and security activity are audit records, written on purpose when
input is refused, so they are left out of the comparison.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myapp.extensions import db
from tests import factories, org_factories
from tests.mail_support import join_background_work

AUDIT_TABLES = {"auth_attempts", "security_events"}

#: Text with control characters, null bytes, non-ASCII and very long values in the mix.
text_values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.emails().map(str),
    st.sampled_from(["", " ", "\x00", "a@b.co", "correct horse battery", "x" * 300]),
)


def sometimes(*valid):
    """Mix known-good values in, so accepted input is exercised as well as refused input."""
    return st.one_of(text_values, st.sampled_from(valid))


property_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot(app) -> dict:
    with app.app_context():
        return {
            table.name: sorted(map(repr, db.session.execute(table.select()).all()))
            for table in db.metadata.sorted_tables
            if table.name not in AUDIT_TABLES
        }


def form_data(fields, draw_values, extra):
    data = dict(zip(fields, draw_values, strict=True))
    data.update(extra)
    return data


def check_post(browser, path, data, htmx):
    """POST ``data``; return (response, whether it was accepted, whether the database changed)."""
    before = snapshot(browser.app)
    response = browser.post(path, data, htmx=htmx, current=path)
    # A sign-in alert is sent from a thread after the response. It must finish inside this
    # example: its writes belong in ``after``, and the mail library's use of ``random`` (MIME
    # boundaries, Message-IDs) must not overlap Hypothesis drawing the next example.
    join_background_work()
    after = snapshot(browser.app)
    assert response.status_code < 500, response.text[:500]
    # Accepted: a 303 for a plain post; for a real htmx swap, an HX-Redirect or the partial.
    accepted = response.status_code in (200, 303) and "/sign-in" not in response.headers.get(
        "HX-Redirect", response.headers.get("Location", "")
    )
    if response.status_code >= 400:
        assert before == after, f"{response.status_code} but the database changed"
    return response, accepted, before != after


extra_fields = st.dictionaries(
    st.sampled_from(["id", "user_id", "organization_id", "role", "is_owner", "sudo_at"]),
    text_values,
    max_size=3,
)


@pytest.mark.settings(SIGN_UP_LIMIT_PER_IP=10_000)
@property_settings
@given(
    values=st.tuples(text_values, text_values, text_values), extra=extra_fields, htmx=st.booleans()
)
def test_sign_up_form(client, values, extra, htmx):
    data = form_data(["name", "email", "password"], values, extra)
    client.clear_cookies()
    response, accepted, changed = check_post(client, "/sign-up", data, htmx)
    assert accepted or response.status_code in (400, 422)
    assert changed == accepted


@pytest.mark.settings(SIGN_IN_LIMIT_PER_EMAIL=10_000, SIGN_IN_LIMIT_PER_IP=10_000)
@property_settings
@given(
    values=st.tuples(sometimes("ada@example.com"), sometimes(factories.DEFAULT_PASSWORD)),
    extra=extra_fields,
    htmx=st.booleans(),
)
def test_sign_in_form(app, client, user, values, extra, htmx):
    data = form_data(["email", "password"], values, extra)
    client.clear_cookies()
    response, accepted, changed = check_post(client, "/sign-in", data, htmx)
    assert changed == accepted


@pytest.mark.settings(SIGN_IN_LIMIT_PER_EMAIL=10_000, SIGN_IN_LIMIT_PER_IP=10_000)
@property_settings
@given(password=sometimes(factories.DEFAULT_PASSWORD), extra=extra_fields, htmx=st.booleans())
def test_sudo_form(app, signed_in, password, extra, htmx):
    data = form_data(["password"], [password], extra)
    response, accepted, changed = check_post(signed_in, "/sudo", data, htmx)
    assert accepted or response.status_code == 422
    # Confirming the password writes sudo_at: only on success.
    assert changed == accepted


@property_settings
@given(values=st.tuples(text_values, text_values), extra=extra_fields, htmx=st.booleans())
def test_create_organization_form(app, cast, values, extra, htmx):
    data = form_data(["name", "slug"], values, extra)
    response, accepted, changed = check_post(cast.owner_browser, "/organizations", data, htmx)
    assert accepted or response.status_code == 422
    assert changed == accepted


@property_settings
@given(values=st.tuples(*[text_values] * 4), extra=extra_fields, htmx=st.booleans())
def test_create_contact_form(app, cast, values, extra, htmx):
    data = form_data(["name", "email", "phone", "notes"], values, extra)
    path = "/organizations/acme/contacts"
    response, accepted, changed = check_post(cast.member_browser, path, data, htmx)
    assert accepted or response.status_code == 422
    assert changed == accepted


@property_settings
@given(values=st.tuples(*[text_values] * 4), extra=extra_fields, htmx=st.booleans())
def test_update_contact_form(app, cast, values, extra, htmx):
    contact = org_factories.make_contact(app, cast.acme)
    data = form_data(["name", "email", "phone", "notes"], values, extra)
    path = f"/organizations/acme/contacts/{contact.id}/update"
    response, accepted, changed = check_post(cast.member_browser, path, data, htmx)
    assert accepted or response.status_code == 422
    # An accepted update always writes (updated_at moves), even with the same fields.
    assert changed == accepted


@property_settings
@given(
    values=st.tuples(sometimes("sam@example.com"), sometimes("member", "admin")),
    extra=extra_fields,
    htmx=st.booleans(),
)
def test_add_member_form(app, cast, values, extra, htmx):
    data = form_data(["email", "role"], values, extra)
    response, accepted, changed = check_post(
        cast.owner_browser, "/organizations/acme/members", data, htmx
    )
    assert accepted or response.status_code == 422
    assert changed == accepted


@property_settings
@given(role=sometimes("member", "admin"), extra=extra_fields, htmx=st.booleans())
def test_change_role_form(app, cast, role, extra, htmx):
    data = form_data(["role"], [role], extra)
    path = f"/organizations/acme/members/{cast.member_membership.id}/role"
    # Examples share the fixture: an earlier one may have changed the role already.
    role_before = org_factories.membership_of(app, cast.acme, cast.member).role
    response, accepted, changed = check_post(cast.owner_browser, path, data, htmx)
    assert accepted or response.status_code == 422
    # Accepting the role the member already has is a success that changes nothing.
    assert changed == (accepted and role != role_before)


@pytest.mark.settings(SIGN_IN_LIMIT_PER_EMAIL=10_000, SIGN_IN_LIMIT_PER_IP=10_000)
@property_settings
@given(
    values=st.tuples(sometimes(factories.DEFAULT_PASSWORD), text_values),
    extra=extra_fields,
    htmx=st.booleans(),
)
def test_change_password_form(app, signed_in, values, extra, htmx):
    data = form_data(["current_password", "new_password"], values, extra)
    response, accepted, changed = check_post(signed_in, "/settings/security/password", data, htmx)
    assert accepted or response.status_code == 422
    if accepted:
        # This device carries on under its new token.
        assert signed_in.get("/api/auth/session").json is not None


def test_the_property_can_see_a_change(app, client):
    """Guard the harness itself: a real sign-up is seen as a change."""
    factories.make_user(app, email="someone@example.com")
    response, accepted, changed = check_post(
        client,
        "/sign-up",
        {"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"},
        htmx=False,
    )
    assert accepted and changed
