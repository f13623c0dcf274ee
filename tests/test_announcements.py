"""What a result says: one live region on every page, success messages for htmx swaps, and
form fields that point only at messages and hints that are on the page.

A plain request gets a flash on the next page; a real htmx swap gets the same words in
``HX-Trigger-After-Settle`` (static/js/focus.js puts them in the live region). A form with errors
is announced to every htmx request; its fields carry ``aria-invalid`` only when invalid.
"""

import re

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from myapp.htmx import FIX_ERRORS
from tests import factories, org_factories
from tests.support import BOOSTED, announced

CONTACTS = "/organizations/acme/contacts"
MEMBERS = "/organizations/acme/members"


@pytest.fixture
def alan(app, cast):
    return org_factories.make_contact(app, cast.acme, name="Alan Turing", email="alan@example.com")


def live_regions(html: str) -> list[str]:
    return re.findall(r'<[^>]*role="status"[^>]*>', html)


def invalid_ids(html: str) -> list[str]:
    """Return the ids of the fields marked aria-invalid="true", in page order."""
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [re.search(r' id="([^"]+)"', f).group(1) for f in fields if 'aria-invalid="true"' in f]


def described_ids_exist(html: str) -> bool:
    """Return whether every id named by aria-describedby is an element of ``html``."""
    named = {i for ids in re.findall(r'aria-describedby="([^"]*)"', html) for i in ids.split()}
    return all(f'id="{i}"' in html for i in named)


# The live region -----------------------------------------------------------------------------
def test_every_page_has_one_live_region_even_when_empty(cast):
    html = cast.owner_browser.get(CONTACTS).get_data(as_text=True)

    assert live_regions(html) == [
        '<div id="announcer" class="flashes" role="status" aria-live="polite">'
    ]
    assert re.search(r'id="announcer"[^>]*></div>', html)  # empty: nothing to read yet


def test_a_flash_is_shown_in_the_live_region(cast):
    cast.member_browser.post(CONTACTS, {"name": "Grace Hopper"})

    html = cast.member_browser.get(CONTACTS).get_data(as_text=True)

    assert len(live_regions(html)) == 1
    assert re.search(r'id="announcer"[^>]*><p class="flash">Contact added.</p></div>', html)


def test_the_verify_notice_is_not_a_second_live_region(app, client):
    user = factories.make_user(app, email="new@example.com", verified=False)
    client.sign_in_as(user)

    html = client.get("/organizations").get_data(as_text=True)

    assert "Please verify" in html
    assert len(live_regions(html)) == 1


# Success messages ----------------------------------------------------------------------------
CONTACT_CHANGES = pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        ("", {"name": "Grace Hopper"}, "Contact added."),
        ("/{id}/update", {"name": "Alan M. Turing"}, "Contact saved."),
        ("/{id}/delete", {}, "Contact deleted."),
    ],
    ids=["add", "update", "delete"],
)


@CONTACT_CHANGES
def test_a_contact_change_in_a_swap_announces_its_message_and_flashes_nothing(
    cast, alan, path, form, message
):
    browser = cast.owner_browser

    response = browser.post(CONTACTS + path.format(id=alan.id), form, htmx=True, current=CONTACTS)

    assert (response.status_code, announced(response)) == (200, message)
    assert message not in browser.get(CONTACTS).get_data(as_text=True)


@CONTACT_CHANGES
def test_a_plain_contact_change_flashes_its_message_and_announces_nothing(
    cast, alan, path, form, message
):
    browser = cast.owner_browser

    response = browser.post(CONTACTS + path.format(id=alan.id), form)

    assert (response.status_code, announced(response)) == (303, None)
    assert message in browser.get(CONTACTS).get_data(as_text=True)


def test_removing_a_member_in_a_swap_announces_it(cast):
    url = f"{MEMBERS}/{cast.member_membership.id}/remove"

    response = cast.owner_browser.post(url, htmx=True, current=MEMBERS)

    assert (response.status_code, announced(response)) == (200, "Member removed.")


def test_a_refused_change_in_a_swap_shows_the_alert_and_announces_no_success(cast, alan):
    browser = cast.owner_browser
    browser.post(f"{CONTACTS}/{alan.id}/delete")

    response = browser.post(f"{CONTACTS}/{alan.id}/delete", htmx=True, current=CONTACTS)

    assert response.status_code == 404
    assert 'role="alert"' in response.get_data(as_text=True)
    assert announced(response) is None


# Errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["swap", "boosted"])
def test_a_contact_with_an_invalid_email_is_announced_and_marks_only_that_field(cast, headers):
    response = cast.member_browser.post(
        CONTACTS,
        {"name": "Grace Hopper", "email": "not an email"},
        htmx=True,
        current=CONTACTS,
        headers=headers,
    )

    html = response.get_data(as_text=True)
    assert (response.status_code, announced(response)) == (422, FIX_ERRORS)
    assert invalid_ids(html) == ["new-email"]
    assert 'aria-invalid="false"' not in html
    assert 'aria-describedby="new-email-errors"' in html and 'id="new-email-errors"' in html
    assert described_ids_exist(html)


def test_an_invalid_role_marks_that_rows_select_and_points_at_its_message(cast):
    membership_id = cast.member_membership.id
    url = f"{MEMBERS}/{membership_id}/role"

    response = cast.owner_browser.post(url, {"role": "owner"}, htmx=True, current=MEMBERS)

    html = response.get_data(as_text=True)
    assert (response.status_code, announced(response)) == (422, FIX_ERRORS)
    assert invalid_ids(html) == [f"role-{membership_id}"]
    assert f'aria-describedby="member-{membership_id}-errors"' in html
    assert described_ids_exist(html)


def test_a_form_level_error_is_announced_in_its_own_words(app, client):
    factories.make_user(app, email="ada@example.com")

    response = client.post(
        "/sign-in", {"email": "ada@example.com", "password": "wrong password"}, htmx=True
    )

    assert response.status_code == 422
    message = announced(response)
    assert message and message != FIX_ERRORS
    assert message in response.get_data(as_text=True)


def test_sign_up_errors_mark_the_invalid_fields_and_point_at_their_messages(client):
    response = client.post(
        "/sign-up", {"name": "", "email": "ada@example.com", "password": "short"}, htmx=True
    )

    html = response.get_data(as_text=True)
    assert (response.status_code, announced(response)) == (422, FIX_ERRORS)
    assert invalid_ids(html) == ["name", "password"]
    assert described_ids_exist(html)


# The field macro -----------------------------------------------------------------------------
class SignUpLikeForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Email()])
    password = PasswordField(
        "Password", validators=[Length(min=8)], description="At least 8 characters."
    )


FIELDS = """{% from "_forms.html" import field %}
{{ field(form.email) }}{{ field(form.password) }}
{{ field(form.email, hint=hint, id="other-email") }}"""


def render_fields(app, data):
    with app.test_request_context("/", method="POST", data=data):
        form = SignUpLikeForm(meta={"csrf": False})
        if data:
            form.validate()
        return render_template_string(FIELDS, form=form, hint="We never share it.")


def test_a_valid_field_has_no_aria_invalid_and_describes_only_its_hint(app):
    html = render_fields(app, None)

    assert "aria-invalid" not in html
    assert '<input id="email" name="email" required type="text" value="">' in html
    assert 'aria-describedby="password-hint"' in html
    assert '<p class="hint muted" id="password-hint">At least 8 characters.</p>' in html
    assert 'aria-describedby="other-email-hint"' in html and 'for="other-email"' in html
    assert described_ids_exist(html)


def test_an_invalid_field_is_marked_and_described_by_its_hint_and_messages(app):
    html = render_fields(app, {"email": "ada", "password": "short"})

    assert 'aria-describedby="password-hint password-errors"' in html
    assert re.search(r'<input aria-describedby="email-errors" aria-invalid="true" id="email"', html)
    assert 'id="password-errors"' in html and 'id="email-errors"' in html
    assert described_ids_exist(html)
