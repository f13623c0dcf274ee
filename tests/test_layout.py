"""The layout every page shares, and the looks of pages that have little in them: the user
menu, stacked-table labels, empty states, error pages and the sign-up password field.
(The organization switcher and sections: tests/test_organization_lifecycle.py; how it all
looks in a browser: tests/browser/test_layout.py.)"""

import re
from html import unescape
from pathlib import Path

import pytest

from myapp.auth.forms import PASSWORD_MIN_LENGTH
from tests import org_factories
from tests.support import Browser

CONTACTS = "/organizations/acme/contacts"


def test_the_user_menu_opens_without_javascript_and_holds_account_security_and_sign_out(
    signed_in, user
):
    html = signed_in.get("/organizations").get_data(as_text=True)

    menu = re.search(r'<nav class="user-menu" aria-label="Account">.*?</nav>', html, re.S).group(0)
    assert "<details" in menu and f'<span class="user-name">{user.name}</span>' in menu
    assert '<a href="/settings/account">Account</a>' in menu
    assert '<a href="/settings/security">Security</a>' in menu
    assert '<form method="post" action="/sign-out">' in menu and ">Sign out</button>" in menu
    # Outside an organization there is no switcher and no sections.
    assert "org-switcher" not in html and 'class="org-nav"' not in html


def test_the_layout_keeps_one_header_and_one_main(cast):
    html = cast.owner_browser.get(CONTACTS).get_data(as_text=True)

    assert html.count("<header") == 1 and html.count("<main") == 1
    assert re.findall(r"<h1>", html) == ["<h1>"]
    assert all("aria-label=" in nav for nav in re.findall(r"<nav\b[^>]*>", html))


@pytest.mark.parametrize(
    "path",
    [CONTACTS, "/organizations/acme/members", "/organizations", "/settings/security"],
)
def test_every_table_cell_is_labelled_for_the_stacked_phone_layout(app, cast, path):
    org_factories.make_contact(app, cast.acme, name="Alan Turing", email="alan@example.com")
    org_factories.make_invitation(app, cast.acme, cast.owner)

    html = cast.owner_browser.get(path).get_data(as_text=True)

    cells = re.findall(r"<td\b[^>]*>", html)
    assert cells, f"{path} has no table"
    assert [cell for cell in cells if "data-label=" not in cell] == []
    assert "style=" not in html


def test_an_empty_contact_list_says_so_and_offers_to_add_one(cast):
    html = cast.member_browser.get(CONTACTS).get_data(as_text=True)

    empty = re.search(r'<div class="empty-state">.*?</div>', html, re.S).group(0)
    assert "<h2>No contacts yet</h2>" in empty
    assert '<a href="#new-name" class="button primary">Add a contact</a>' in empty
    assert 'id="new-name"' in html  # where the action leads


def test_no_organizations_yet_says_so_and_offers_to_create_one(signed_in):
    html = signed_in.get("/organizations").get_data(as_text=True)

    empty = re.search(r'<div class="empty-state">.*?</div>', html, re.S).group(0)
    assert "<h2>No organizations yet</h2>" in empty
    assert 'href="#create-organization" class="button primary">Create an organization</a>' in empty
    assert 'id="create-organization"' in html


@pytest.mark.parametrize("signed_in_too", [False, True], ids=["signed-out", "signed-in"])
def test_an_error_page_is_a_card_with_a_title_the_message_and_a_way_back(
    app, client, user, signed_in_too
):
    if signed_in_too:
        client.sign_in_as(user)

    response = client.get("/no-such-page")

    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 404
    assert "<title>Page not found · myapp</title>" in html
    assert '<span class="badge">Error 404</span>' in html and "<h1>Page not found</h1>" in html
    assert "That page does not exist, or you do not have access to it." in html
    assert 'class="button primary" href="/organizations">Go to your organizations</a>' in html


def test_an_htmx_error_is_still_the_short_message(signed_in):
    response = signed_in.htmx_get("/no-such-page")

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in html and 'role="alert"' in html


def test_sign_up_shows_the_password_rule_before_any_error(client):
    html = client.get("/sign-up").get_data(as_text=True)

    assert f"At least {PASSWORD_MIN_LENGTH} characters." in html
    assert '<p class="hint" id="password-hint">At least 8 characters.</p>' in html
    password = re.search(r'<input[^>]*id="password"[^>]*>', html).group(0)
    assert 'aria-describedby="password-hint"' in password and 'type="password"' in password
    # The toggle is hidden until static/js/show-password.js finds it.
    assert (
        '<button type="button" class="password-toggle" data-password-toggle '
        'aria-controls="password" aria-pressed="false" hidden>' in html
    )


def test_after_an_error_the_password_is_described_by_the_rule_and_the_error(client):
    response = client.post("/sign-up", {"name": "Ada", "email": "ada@example.com", "password": "x"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    password = re.search(r'<input[^>]*id="password"[^>]*>', html).group(0)
    assert 'aria-describedby="password-hint password-errors"' in password
    assert 'aria-invalid="true"' in password and 'id="password-errors"' in html


def test_the_security_page_names_each_toggle_after_its_field_and_states_the_rule(signed_in):
    html = signed_in.get("/settings/security").get_data(as_text=True)

    assert 'aria-controls="current_password" aria-pressed="false" hidden>' in html
    assert 'Show<span class="visually-hidden"> current password</span>' in html
    assert 'Show<span class="visually-hidden"> new password</span>' in html
    assert '<p class="hint" id="new_password-hint">At least 8 characters.</p>' in html


def test_sign_in_has_the_toggle_and_no_rule_for_an_existing_password(client):
    html = client.get("/sign-in").get_data(as_text=True)

    assert 'aria-controls="password" aria-pressed="false" hidden>' in html
    assert "At least 8 characters" not in html
    password = re.search(r'<input[^>]*id="password"[^>]*>', html).group(0)
    assert "aria-describedby" not in password


def test_the_stylesheet_has_a_dark_theme(app):
    text = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert "color-scheme: light dark" in text and "@media (prefers-color-scheme: dark)" in text


def test_signed_out_pages_have_no_user_menu(app):
    html = Browser(app).get("/sign-in").get_data(as_text=True)
    assert "user-menu" not in html and html.count("<header") == 1
