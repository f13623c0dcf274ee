"""Organizations that require two-factor: the owner turns it on (sudo mode, second factor of
their own); members without a second factor get a 403 that links to the setup on every page
and action of that organization but leaving it, and nowhere else; the members page shows who
has one."""

import re
from html import unescape

import pytest
from sqlalchemy import select, update

from myapp.extensions import db
from myapp.organizations.models import Membership, Organization
from tests import org_factories
from tests.org_factories import contacts_of
from tests.support import age_sudo
from tests.two_factor_factories import enable_totp

SETTINGS = "/organizations/acme/settings"


def require_two_factor(app, cast):
    enable_totp(app, cast.owner)
    response = cast.owner_browser.post(SETTINGS, {"require_two_factor": "y"})
    assert response.status_code == 303


def policy_of(app) -> bool:
    with app.app_context():
        return db.session.scalar(
            select(Organization.require_two_factor).where(Organization.slug == "acme")
        )


def test_the_owner_turns_the_policy_on(app, cast):
    assert "Require two-factor authentication" in cast.owner_browser.get(SETTINGS).text
    require_two_factor(app, cast)
    assert policy_of(app) is True
    page = cast.owner_browser.get(SETTINGS).text
    assert "Members now need two-factor authentication." in page
    assert re.search(
        r'<input[^>]*checked[^>]*name="require_two_factor"|name="require_two_factor"[^>]*checked',
        page,
    )


def test_the_owner_needs_a_second_factor_first(app, cast):
    response = cast.owner_browser.post(SETTINGS, {"require_two_factor": "y"})
    assert response.status_code == 422
    assert "Set up two-factor authentication for yourself first" in unescape(response.text)
    assert policy_of(app) is False


def test_changing_the_policy_needs_sudo_mode(app, cast):
    enable_totp(app, cast.owner)
    age_sudo(app)
    response = cast.owner_browser.post(SETTINGS, {"require_two_factor": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sudo?next=")
    assert policy_of(app) is False


def test_only_the_owner_sees_and_changes_the_settings(app, cast):
    assert cast.member_browser.get(SETTINGS).status_code == 403
    assert cast.member_browser.post(SETTINGS, {"require_two_factor": "y"}).status_code == 403
    admin = org_factories.signed_in_browser(app, cast.member)
    with app.app_context():
        db.session.execute(update(Membership).values(role="admin"))
        db.session.commit()
    assert admin.post(SETTINGS, {"require_two_factor": "y"}).status_code == 403
    assert cast.stranger_browser.get(SETTINGS).status_code == 404
    assert policy_of(app) is False


@pytest.mark.parametrize("path", ["/organizations/acme/", "/organizations/acme/contacts"])
def test_a_member_without_a_second_factor_gets_a_403_linking_to_the_setup(app, cast, path):
    require_two_factor(app, cast)
    response = cast.member_browser.get(path)
    assert response.status_code == 403
    assert "Acme requires two-factor authentication" in response.text
    assert 'href="/settings/security/two-factor"' in response.text
    assert "<html" in response.text


def test_htmx_gets_the_same_refusal_as_the_error_partial(app, cast):
    require_two_factor(app, cast)
    response = cast.member_browser.htmx_get("/organizations/acme/contacts")
    assert response.status_code == 403
    assert "<html" not in response.text
    assert 'href="/settings/security/two-factor"' in response.text


def test_actions_are_refused_and_change_nothing(app, cast):
    require_two_factor(app, cast)
    for htmx in (False, True):
        response = cast.member_browser.post(
            "/organizations/acme/contacts",
            {"name": "Eve"},
            htmx=htmx,
            current="/organizations/acme/contacts",
        )
        assert response.status_code == 403
        assert "requires two-factor authentication" in response.text
    assert contacts_of(app, cast.acme) == []


@pytest.mark.parametrize("htmx", [False, True])
def test_a_member_without_a_second_factor_can_still_leave(app, cast, htmx):
    require_two_factor(app, cast)
    refusal = cast.member_browser.get("/organizations/acme/contacts")
    assert '<a class="button" href="/organizations/acme/leave">Leave Acme</a>' in refusal.text
    confirmation = cast.member_browser.get("/organizations/acme/leave")
    assert confirmation.status_code == 200
    assert "Leave Acme?" in confirmation.text

    response = cast.member_browser.post(
        "/organizations/acme/leave", {}, htmx=htmx, current="/organizations/acme/contacts"
    )

    if htmx:
        assert response.headers["HX-Redirect"] == "/organizations"
    else:
        assert response.headers["Location"] == "/organizations"
    assert org_factories.membership_of(app, cast.acme, cast.member) is None


def test_other_organizations_are_unaffected(app, cast):
    require_two_factor(app, cast)
    org_factories.add_member(app, cast.globex, cast.member)
    assert cast.member_browser.get("/organizations/globex/").status_code == 200
    assert cast.member_browser.get("/organizations").status_code == 200


def test_a_member_with_a_second_factor_gets_in(app, cast):
    require_two_factor(app, cast)
    enable_totp(app, cast.member)
    assert cast.member_browser.get("/organizations/acme/contacts").status_code == 200


def test_the_members_page_shows_who_has_two_factor(app, cast):
    enable_totp(app, cast.owner)
    page = cast.owner_browser.get("/organizations/acme/members").text
    cells = re.findall(r'<td class="two-factor" data-label="Two-factor">(\w+)</td>', page)
    assert cells == ["On", "Off"]  # the owner first, then Max


def test_changing_the_policy_through_htmx_gets_hx_redirect(app, cast):
    enable_totp(app, cast.owner)
    response = cast.owner_browser.post(
        SETTINGS, {"require_two_factor": "y"}, htmx=True, current=SETTINGS
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == SETTINGS
    assert policy_of(app) is True


def test_turning_the_policy_off_lets_members_back_in(app, cast):
    require_two_factor(app, cast)
    assert cast.owner_browser.post(SETTINGS, {}).status_code == 303
    assert policy_of(app) is False
    assert cast.member_browser.get("/organizations/acme/contacts").status_code == 200
