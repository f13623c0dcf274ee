"""get_auth_organization_context(): members only, checked in the database on every request.

A stranger and an unknown slug get the same 404 on every page, partial and action under
``/organizations/<slug>/``, and nothing they post changes anything.
"""

import dataclasses
import re

import pytest
from flask import Blueprint
from sqlalchemy import select

from myapp.contacts.models import Contact
from myapp.extensions import db
from myapp.invitations.models import Invitation
from myapp.organizations.context import get_auth_organization_context
from myapp.organizations.models import Membership, Organization
from tests import org_factories

#: Every route inside an organization: method, path, and a form that would succeed.
ROUTES = [
    ("GET", "/organizations/{slug}/", None),
    ("POST", "/organizations/{slug}/leave", {}),
    ("GET", "/organizations/{slug}/members", None),
    ("POST", "/organizations/{slug}/members", {"email": "sam@example.com", "role": "admin"}),
    ("POST", "/organizations/{slug}/members/{membership}/role", {"role": "admin"}),
    ("POST", "/organizations/{slug}/members/{membership}/remove", {}),
    ("POST", "/organizations/{slug}/members/{membership}/transfer", {}),
    ("POST", "/organizations/{slug}/invitations", {"email": "sam@example.com", "role": "member"}),
    ("POST", "/organizations/{slug}/invitations/{invitation}/resend", {}),
    ("POST", "/organizations/{slug}/invitations/{invitation}/revoke", {}),
    ("POST", "/organizations/{slug}/delete", {"confirm": "{slug}"}),
    ("GET", "/organizations/{slug}/contacts", None),
    ("POST", "/organizations/{slug}/contacts", {"name": "Planted"}),
    ("GET", "/organizations/{slug}/contacts/{contact}", None),
    ("GET", "/organizations/{slug}/contacts/{contact}?edit=1", None),
    ("POST", "/organizations/{slug}/contacts/{contact}/update", {"name": "Renamed"}),
    ("POST", "/organizations/{slug}/contacts/{contact}/delete", {}),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ROUTES]


@pytest.fixture
def contact(app, cast):
    """A contact of Acme, and a pending invitation of Acme's, for the routes that need ids."""
    org_factories.make_invitation(app, cast.acme, cast.owner, email="nia@example.com")
    return org_factories.make_contact(app, cast.acme, name="Alan Turing")


def send(browser, method, path, data, *, htmx):
    data = {key: value.format(slug=path.split("/")[2]) for key, value in (data or {}).items()}
    if method == "GET":
        return browser.htmx_get(path) if htmx else browser.get(path)
    return browser.post(path, data, htmx=htmx)


def url(path, cast, contact, slug="acme"):
    app = cast.owner_browser.app
    with app.app_context():
        invitation_id = db.session.scalar(
            select(Invitation.id).where(Invitation.organization_id == cast.acme.id)
        )
    return path.format(
        slug=slug,
        membership=cast.member_membership.id,
        contact=contact.id,
        invitation=invitation_id,
    )


def everything(app) -> list:
    """Return every organization, membership and contact as plain tuples, to compare."""
    with app.app_context():
        return [
            db.session.execute(select(Organization.id, Organization.slug, Organization.name)).all(),
            db.session.execute(
                select(
                    Membership.id, Membership.organization_id, Membership.user_id, Membership.role
                )
            ).all(),
            db.session.execute(select(Contact.id, Contact.organization_id, Contact.name)).all(),
            db.session.execute(
                select(Invitation.id, Invitation.status, Invitation.token_hash)
            ).all(),
        ]


def without_tokens(html: str) -> str:
    return re.sub(r'(value="|"X-CSRFToken": ")[^"]+"', r'\1"', html)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=ROUTE_IDS)
def test_a_stranger_gets_404_everywhere_and_changes_nothing(
    app, cast, contact, method, path, data, htmx
):
    before = everything(app)

    response = send(cast.stranger_browser, method, url(path, cast, contact), data, htmx=htmx)

    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)
    assert everything(app) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=ROUTE_IDS)
def test_an_unknown_slug_gets_the_same_404_as_a_stranger(
    app, cast, contact, method, path, data, htmx
):
    before = everything(app)

    unknown = send(cast.stranger_browser, method, url(path, cast, contact, "nope"), data, htmx=htmx)
    stranger = send(cast.stranger_browser, method, url(path, cast, contact), data, htmx=htmx)

    assert unknown.status_code == stranger.status_code == 404
    assert without_tokens(unknown.get_data(as_text=True)) == without_tokens(
        stranger.get_data(as_text=True)
    )
    assert everything(app) == before


@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=ROUTE_IDS)
def test_signed_out_requests_go_to_sign_in_and_change_nothing(
    app, client, cast, contact, method, path, data
):
    before = everything(app)
    target = url(path, cast, contact)

    response = send(client, method, target, data, htmx=False)

    assert response.status_code == 303
    assert response.location.startswith("/sign-in")
    assert everything(app) == before


def test_signed_out_htmx_requests_get_a_full_page_redirect(client, cast, contact):
    page = "/organizations/acme/contacts"

    response = client.htmx_get(page, current=page)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=")


@pytest.mark.parametrize(
    "slug",
    ["ACME", "acme_", "-acme", "acme--x", "a" * 51],
    ids=["upper", "underscore", "leading-hyphen", "double-hyphen", "too-long"],
)
def test_a_malformed_slug_is_404_without_asking_the_database(cast, count_queries, slug):
    cast.owner_browser.get("/organizations/acme/")  # warm the connection pool

    response, statements = count_queries(
        lambda: cast.owner_browser.get(f"/organizations/{slug}/contacts")
    )

    assert response.status_code == 404
    assert not [s for s in statements if "organizations" in s]


def test_organization_and_membership_come_from_one_statement_however_many_callers(
    cast, count_queries
):
    browser = cast.member_browser
    browser.get("/organizations/acme/contacts")  # warm the connection pool

    response, statements = count_queries(lambda: browser.get("/organizations/acme/contacts"))

    assert response.status_code == 200
    # The context's lookup is the one that filters on the slug (the switcher lists all).
    lookups = [s for s in statements if "memberships" in s and "organizations.slug =" in s]
    assert len(lookups) == 1
    assert "organizations" in lookups[0]


def test_the_context_holds_the_session_organization_and_membership(app, cast, count_queries):
    token = cast.member_browser.session_token()
    cookie = f"{cast.member_browser.token_cookie_name}={token}"
    with app.test_request_context("/organizations/acme/contacts", headers={"Cookie": cookie}):
        ctx, statements = count_queries(
            lambda: (get_auth_organization_context(), get_auth_organization_context())
        )

    first, second = ctx
    assert first is second
    assert len(statements) == 2  # the session with its user, then organization + membership
    assert first.session.user.email == "max@example.com"
    assert (first.organization.id, first.organization.slug, first.organization.name) == (
        cast.acme.id,
        "acme",
        "Acme",
    )
    assert (first.membership.id, first.membership.role) == (cast.member_membership.id, "member")
    assert not first.membership.is_admin and not first.membership.is_owner
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.membership.role = "admin"


def test_a_route_without_a_slug_is_a_programming_error(app, signed_in):
    bp = Blueprint("no_slug", __name__)

    @bp.get("/no-slug")
    def no_slug():
        get_auth_organization_context()
        return "unreachable"

    app.register_blueprint(bp)

    with pytest.raises(RuntimeError, match="needs a route with <slug>"):
        signed_in.get("/no-slug")
