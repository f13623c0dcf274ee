"""Destructive actions ask first: each URL answers GET with a confirmation page, POST does it.

Also: a GET of any other POST-only action URL (a reload after a failed form) goes to the page
holding its form instead of a 405, and the sudo detour lands on the action's confirmation page.
"""

from dataclasses import dataclass
from html import unescape
from urllib.parse import quote

import pytest
from sqlalchemy import select

from myapp.confirm import confirmed_endpoints
from myapp.extensions import db
from myapp.security.models import SecurityEvent
from myapp.sessions.models import UserSession
from tests import factories, org_factories, two_factor_factories
from tests.support import BOOSTED, Browser, age_sudo, live_public_ids
from tests.support import CHROME_MACOS as LAPTOP

MEMBERS = "/organizations/acme/members"
SECURITY = "/settings/security"
TWO_FACTOR = f"{SECURITY}/two-factor"


@dataclass
class Scene:
    """Acme with an owner (the browser under test), a member, a contact and an invitation."""

    cast: org_factories.Cast
    contact_id: int
    invitation_id: int
    laptop_id: str


@pytest.fixture
def scene(app):
    cast = org_factories.make_cast(app)
    contact = org_factories.make_contact(app, cast.acme, name="Alan Turing")
    invitation, _ = org_factories.make_invitation(app, cast.acme, cast.owner)
    laptop = Browser(app).sign_in_as(cast.owner, user_agent=LAPTOP)
    two_factor_factories.enable_totp(app, cast.owner)
    return Scene(cast, contact.id, invitation.id, laptop.public_id)


@dataclass(frozen=True)
class Page:
    """A confirmation page: its action's endpoint, URL, the words naming the thing, Cancel."""

    endpoint: str
    url: str
    names: str
    cancel: str


def confirmation_pages(s: Scene) -> dict[str, Page]:
    member = s.cast.member_membership.id
    contact_url = f"/organizations/acme/contacts/{s.contact_id}/delete"
    invitation_url = f"/organizations/acme/invitations/{s.invitation_id}/revoke"
    return {
        "revoke": Page(
            "security.revoke",
            f"{SECURITY}/sessions/{s.laptop_id}/revoke",
            "Log out Chrome 131 on macOS?",
            SECURITY,
        ),
        "revoke_others": Page(
            "security.revoke_others",
            f"{SECURITY}/sessions/revoke-others",
            "Log out all other devices?",
            SECURITY,
        ),
        "revoke_all": Page(
            "security.revoke_all",
            f"{SECURITY}/sessions/revoke-all",
            "Log out all devices?",
            SECURITY,
        ),
        "delete_contact": Page(
            "contacts.delete", contact_url, "Delete Alan Turing?", "/organizations/acme/contacts"
        ),
        "leave": Page(
            "organizations.leave",
            "/organizations/acme/leave",
            "Leave Acme?",
            "/organizations/acme/",
        ),
        "remove_member": Page(
            "organizations.remove_member",
            f"{MEMBERS}/{member}/remove",
            "Remove Max Member from Acme?",
            MEMBERS,
        ),
        "transfer": Page(
            "organizations.transfer_ownership",
            f"{MEMBERS}/{member}/transfer",
            "Make Max Member an owner of Acme?",
            MEMBERS,
        ),
        "revoke_invitation": Page(
            "invitations.revoke",
            invitation_url,
            "Revoke the invitation to nia@example.com?",
            MEMBERS,
        ),
        "disable_2fa": Page(
            "two_factor.disable",
            f"{TWO_FACTOR}/disable",
            "Turn off two-factor authentication?",
            TWO_FACTOR,
        ),
        "recovery_codes": Page(
            "two_factor.regenerate_recovery_codes",
            f"{TWO_FACTOR}/recovery-codes",
            "Make new recovery codes?",
            TWO_FACTOR,
        ),
    }


NAMES = [
    "revoke",
    "revoke_others",
    "revoke_all",
    "delete_contact",
    "leave",
    "remove_member",
    "transfer",
    "revoke_invitation",
    "disable_2fa",
    "recovery_codes",
]
#: Confirmed actions whose pages need fixtures of their own feature's tests.
ELSEWHERE = {"passkeys.delete": "test_passkeys.py", "oidc.unlink": "test_oidc_connections.py"}


def test_every_action_with_a_confirmation_page_is_tested(app, scene):
    here = {page.endpoint for page in confirmation_pages(scene).values()}
    assert confirmed_endpoints() - set(ELSEWHERE) == here


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_the_confirmation_page_names_the_thing_and_posts_the_action(app, scene, name, headers):
    page = confirmation_pages(scene)[name]
    sessions_before = live_public_ids(app)

    response = scene.cast.owner_browser.get(page.url, headers=headers)

    assert response.status_code == 200
    html = unescape(response.text)
    assert f'<h1 id="confirm-heading">{page.names}</h1>' in html
    form = html.split(f'<form method="post" action="{page.url}">')[1].split("</form>")[0]
    assert 'name="csrf_token"' in form
    assert 'class="danger"' in form
    assert f'<a href="{page.cancel}">Cancel</a>' in form
    # Asking changed nothing.
    assert live_public_ids(app) == sessions_before


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_action_still_needs_a_post_with_a_csrf_token(app, scene, name, htmx):
    page = confirmation_pages(scene)[name]
    sessions_before = live_public_ids(app)

    response = scene.cast.owner_browser.post(page.url, csrf=False, htmx=htmx, current=page.cancel)

    assert response.status_code == 400
    assert live_public_ids(app) == sessions_before
    assert org_factories.contacts_of(app, scene.cast.acme)
    assert org_factories.membership_of(app, scene.cast.acme, scene.cast.member) is not None


def test_a_member_who_is_not_an_admin_gets_no_confirmation_page_for_admin_actions(app, scene):
    member = scene.cast.member_browser
    pages = confirmation_pages(scene)
    for name in ("delete_contact", "remove_member", "transfer", "revoke_invitation"):
        assert member.get(pages[name].url).status_code == 403, name
    assert scene.cast.stranger_browser.get(pages["delete_contact"].url).status_code == 404


def test_confirming_on_the_page_deletes_the_contact(app, scene):
    page = confirmation_pages(scene)["delete_contact"]
    browser = scene.cast.owner_browser

    response = browser.post(page.url, headers=BOOSTED)

    assert (response.status_code, response.location) == (303, "/organizations/acme/contacts")
    assert org_factories.contacts_of(app, scene.cast.acme) == []
    assert "Contact deleted." in browser.get(response.location).text


def test_the_transfer_page_offers_to_stay_an_owner_ticked(app, scene):
    html = scene.cast.owner_browser.get(confirmation_pages(scene)["transfer"].url).text
    assert '<input type="checkbox" name="stay_owner" value="y" checked>' in html


def test_each_button_opens_its_confirmation_page_without_javascript(app, scene):
    """The buttons are GET forms aimed at the confirmation page; htmx posts them instead."""
    browser = scene.cast.owner_browser
    pages = confirmation_pages(scene)
    html = (
        browser.get(SECURITY).text
        + browser.get(MEMBERS).text
        + browser.get("/organizations/acme/contacts").text
        + scene.cast.member_browser.get("/organizations/acme/").text
        + browser.get(TWO_FACTOR).text
    )
    for name in NAMES:
        url = pages[name].url
        assert f'<form method="get" action="{url}" hx-post="{url}"' in html, name
    assert "hx-confirm" not in html
    assert html.count("data-confirm=") >= len(NAMES)


# GET of a POST-only action URL: the page holding the form, not a 405 ----------------------


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (f"{SECURITY}/password", SECURITY),
        ("/settings/account/name", "/settings/account"),
        ("/settings/account/email", "/settings/account"),
        ("/settings/account/delete", "/settings/account"),
        (f"{TWO_FACTOR}/confirm", TWO_FACTOR),
        (f"{TWO_FACTOR}/setup", TWO_FACTOR),
        (f"{SECURITY}/passkeys/abc/rename", f"{SECURITY}/passkeys"),
        ("/organizations/acme/delete", "/organizations/acme/"),
        ("/organizations/acme/invitations", MEMBERS),
        (f"{MEMBERS}/1/role", MEMBERS),
        ("/organizations/acme/contacts/1/update", "/organizations/acme/contacts/1"),
        ("/sudo/code?next=/settings/account", "/sudo?next=/settings/account"),
    ],
)
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_get_of_a_post_only_url_goes_to_the_page_with_its_form(app, scene, url, page, headers):
    response = scene.cast.owner_browser.get(url, headers=headers)
    assert (response.status_code, response.location) == (303, page)


def test_other_methods_on_a_post_only_url_are_still_405(app, scene):
    assert scene.cast.owner_browser.request("PUT", f"{SECURITY}/password").status_code == 405


def test_reloading_after_a_failed_password_change_shows_the_form(app, signed_in):
    url = f"{SECURITY}/password"
    failed = signed_in.post(url, {"current_password": "wrong password!", "new_password": "x"})
    assert failed.status_code == 422

    reloaded = signed_in.get(url, follow_redirects=True)

    assert reloaded.status_code == 200
    assert reloaded.request.path == SECURITY
    assert 'action="/settings/security/password"' in reloaded.text


# The sudo detour --------------------------------------------------------------------------


def sudo_back_to(url: str) -> str:
    return f"/sudo?next={quote(url, safe='')}"


def test_a_stale_session_confirms_the_password_before_the_confirmation_page(app, scene):
    age_sudo(app)
    url = confirmation_pages(scene)["revoke_others"].url

    response = scene.cast.owner_browser.get(url)

    assert (response.status_code, response.location) == (303, sudo_back_to(url))


def test_ending_this_device_asks_without_the_password(app, scene):
    age_sudo(app)
    browser = scene.cast.owner_browser
    (this,) = _sessions_of(app, scene.cast.owner.id) - {scene.laptop_id}

    response = browser.get(f"{SECURITY}/sessions/{this}/revoke")

    assert response.status_code == 200
    assert "Log out this device?" in response.text


def _sessions_of(app, user_id) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(select(UserSession.public_id).where(UserSession.user_id == user_id))
        )


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_sudo_detour_lands_on_the_confirmation_and_one_post_completes_it(app, scene, htmx):
    age_sudo(app)
    browser = scene.cast.owner_browser
    url = confirmation_pages(scene)["revoke_others"].url

    # The dialog (htmx) or the confirmation page (plain) posted the action: too stale.
    refused = browser.post(url, htmx=htmx, current=SECURITY)
    detour = refused.headers["HX-Redirect"] if htmx else refused.location
    assert detour == sudo_back_to(url)
    assert scene.laptop_id in live_public_ids(app)

    # The password page posts back to itself with next; the right password goes on to it.
    sudo_page = browser.get(detour).text
    assert f'action="/sudo?next={url}"' in sudo_page
    confirmed = browser.post(
        f"/sudo?next={url}", {"password": factories.DEFAULT_PASSWORD}, headers=BOOSTED
    )
    assert (confirmed.status_code, confirmed.location) == (303, url)

    # The confirmation page, with one banner.
    page = browser.get(url, headers=BOOSTED).text
    assert "Log out all other devices?" in page
    assert page.count("Password confirmed") == 1

    # One more post completes it, and the banner does not stay beside the result.
    done = browser.post(url, headers=BOOSTED)
    assert (done.status_code, done.location) == (303, SECURITY)
    assert scene.laptop_id not in live_public_ids(app)
    result = browser.get(SECURITY, headers=BOOSTED).text
    assert "Signed out 1 other device." in result
    assert "Password confirmed" not in result


def test_the_sudo_detour_of_a_removal_ends_on_the_members_page(app, scene):
    age_sudo(app)
    browser = scene.cast.owner_browser
    url = confirmation_pages(scene)["remove_member"].url

    detour = browser.post(url, htmx=True, current=MEMBERS).headers["HX-Redirect"]
    confirmed = browser.post(detour, {"password": factories.DEFAULT_PASSWORD})
    assert confirmed.location == url
    assert "Remove Max Member from Acme?" in browser.get(url).text

    done = browser.post(url)

    assert (done.status_code, done.location) == (303, MEMBERS)
    assert org_factories.membership_of(app, scene.cast.acme, scene.cast.member) is None


def test_a_wrong_sudo_password_keeps_next_across_a_reload_and_is_logged_as_such(app, signed_in):
    age_sudo(app)
    failed = signed_in.post("/sudo?next=/settings/account", {"password": "wrong password!"})
    assert failed.status_code == 422
    assert 'action="/sudo?next=/settings/account"' in failed.text

    # A reload GETs the same URL: the page still knows where to go back.
    assert (
        'action="/sudo?next=/settings/account"'
        in signed_in.get("/sudo?next=/settings/account").text
    )
    confirmed = signed_in.post(
        "/sudo?next=/settings/account", {"password": factories.DEFAULT_PASSWORD}
    )
    assert confirmed.location == "/settings/account"

    with app.app_context():
        kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert "sign_in_failed" not in kinds
    assert kinds[-2:] == ["sudo_failed", "sudo_confirmed"]
    activity = signed_in.get(SECURITY).text
    assert "Wrong password when confirming it" in activity
    assert "Failed sign-in" not in activity


def post_only_urls(app) -> list[str]:
    """Every route that answers POST and not GET, with sample values in its variables."""
    samples = {"slug": "acme", "name": "test"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and "GET" not in rule.methods:
            values = {arg: samples.get(arg, "1") for arg in rule.arguments}
            urls.append(rule.build(values)[1])
    return urls


def test_no_post_only_url_answers_a_get_with_405(app, scene):
    browser = scene.cast.owner_browser
    urls = post_only_urls(app)
    assert f"{SECURITY}/password" in urls

    answers = {url: browser.get(url).status_code for url in urls}

    # A redirect to the form's page, a confirmation page at the URL, or a GET route the URL
    # also fits (``/verify-email/resend`` is a link token to ``/verify-email/<token>``: 404).
    unanswered = {url: status for url, status in answers.items() if status not in (200, 303, 404)}
    assert unanswered == {}
