"""Organizations: list yours, create one (you own it and are its admin), visit its home page."""

import re

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.organizations.models import Membership, Organization
from tests import factories, org_factories
from tests.support import BOOSTED


def organizations(app) -> dict[str, str]:
    """Return every organization's slug with its name, as stored now."""
    with app.app_context():
        return dict(db.session.execute(select(Organization.slug, Organization.name)).all())


def ownership(app, slug, user) -> tuple[str, bool] | None:
    with app.app_context():
        row = db.session.execute(
            select(Membership.role, Membership.is_owner)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Organization.slug == slug, Membership.user_id == user.id)
        ).first()
        return tuple(row) if row else None


# Your organizations -------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_the_list_shows_my_organizations_with_my_role_only(app, signed_in, user, headers):
    other = factories.make_user(app)
    acme = org_factories.make_organization(app, user, name="Acme", slug="acme")
    globex = org_factories.make_organization(app, other, name="Globex", slug="globex")
    org_factories.add_member(app, globex, user, "member")
    org_factories.make_organization(app, other, name="Initech", slug="initech")

    response = signed_in.get("/organizations", headers=headers)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<!doctype html>")
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows[1:]]
    assert cells == [["Acme", "acme", "Admin", "Owner"], ["Globex", "globex", "Member"]]
    assert f'href="/organizations/{acme.slug}/"' in body
    assert "Initech" not in body


def test_the_list_says_so_when_i_have_none(signed_in):
    body = signed_in.get("/organizations").get_data(as_text=True)

    assert "You are not in any organization yet." in body
    assert 'action="/organizations"' in body


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/organizations")

    assert (response.status_code, response.location) == (303, "/sign-in?next=%2Forganizations")


# Creating -----------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_creating_makes_me_owner_and_admin_and_goes_to_its_home(app, signed_in, user, headers):
    form = {"name": "Acme Corp", "slug": "acme"}

    response = signed_in.post("/organizations", form, headers=headers)

    assert (response.status_code, response.location) == (303, "/organizations/acme/")
    assert organizations(app) == {"acme": "Acme Corp"}
    assert ownership(app, "acme", user) == ("admin", True)
    home = signed_in.get("/organizations/acme/").get_data(as_text=True)
    assert "Organization created." in home and "<h1>Acme Corp</h1>" in home


def test_creating_from_an_htmx_swap_redirects_through_htmx(app, signed_in):
    response = signed_in.post("/organizations", {"name": "Acme"}, htmx=True)

    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations/acme/")
    assert organizations(app) == {"acme": "Acme"}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme", "acme"),
        ("  Acme   Corp, Inc.  ", "acme-corp-inc"),
        ("Café Zoë", "cafe-zoe"),
        ("R2-D2 & C-3PO", "r2-d2-c-3po"),
        ("!!!", "organization"),
        ("Ωμέγα", "organization"),
        ("word " * 20, ("word-" * 10)[:50].rstrip("-")),
    ],
    ids=["plain", "spaces-punctuation", "accents", "digits", "symbols-only", "no-latin", "long"],
)
def test_a_slug_is_derived_from_the_name_when_none_is_given(app, signed_in, name, slug):
    response = signed_in.post("/organizations", {"name": name, "slug": ""})

    assert response.location == f"/organizations/{slug}/"
    assert list(organizations(app)) == [slug]


def test_a_derived_slug_that_is_taken_gets_the_first_free_number(app, signed_in, user):
    other = factories.make_user(app)
    org_factories.make_organization(app, other, name="Acme", slug="acme")
    org_factories.make_organization(app, other, name="Acme", slug="acme-3")

    first = signed_in.post("/organizations", {"name": "Acme"})
    second = signed_in.post("/organizations", {"name": "ACME!"})

    assert first.location == "/organizations/acme-2/"
    assert second.location == "/organizations/acme-4/"
    assert ownership(app, "acme-2", user) == ("admin", True)


def test_a_long_derived_slug_keeps_its_suffix_within_50_characters(app, signed_in):
    name = "x" * 60
    signed_in.post("/organizations", {"name": name})

    response = signed_in.post("/organizations", {"name": name})

    assert response.location == f"/organizations/{'x' * 48}-2/"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_chosen_slug_that_is_taken_is_a_422_field_error(app, signed_in, user, htmx):
    other = factories.make_user(app)
    org_factories.make_organization(app, other, name="Acme", slug="acme")

    response = signed_in.post("/organizations", {"name": "Mine", "slug": "acme"}, htmx=htmx)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="slug-errors"' in body and "That slug is taken." in body
    assert organizations(app) == {"acme": "Acme"}
    assert ownership(app, "acme", user) is None


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name."),
        ({"name": "x" * 101}, "name", "Names are at most 100 characters."),
        ({"name": "Acme", "slug": "Acme"}, "slug", "Use lowercase letters, digits"),
        ({"name": "Acme", "slug": "acme corp"}, "slug", "Use lowercase letters, digits"),
        ({"name": "Acme", "slug": "-acme"}, "slug", "Use lowercase letters, digits"),
        ({"name": "Acme", "slug": "a" * 51}, "slug", "Slugs are at most 50 characters."),
    ],
    ids=["no-name", "long-name", "uppercase-slug", "space-in-slug", "leading-hyphen", "long-slug"],
)
def test_invalid_input_is_422_with_the_message_and_writes_nothing(
    app, signed_in, form, field, message
):
    response = signed_in.post("/organizations", form)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in body and message in body
    assert organizations(app) == {}


def test_creating_without_a_csrf_token_is_400_and_writes_nothing(app, signed_in):
    response = signed_in.post("/organizations", {"name": "Acme"}, csrf=False)

    assert response.status_code == 400
    assert organizations(app) == {}


def test_creating_ignores_role_id_and_organization_id(app, signed_in, user):
    other = factories.make_user(app)
    globex = org_factories.make_organization(app, other, name="Globex", slug="globex")

    response = signed_in.post(
        "/organizations",
        {
            "name": "Acme",
            "role": "member",
            "is_owner": "",
            "id": globex.id,
            "organization_id": globex.id,
        },
    )

    assert response.location == "/organizations/acme/"
    assert ownership(app, "acme", user) == ("admin", True)
    assert ownership(app, "globex", user) is None
    assert organizations(app) == {"globex": "Globex", "acme": "Acme"}


def test_creating_signed_out_goes_to_sign_in_and_writes_nothing(app, client):
    response = client.post("/organizations", {"name": "Acme"})

    assert response.status_code == 303 and response.location.startswith("/sign-in")
    assert organizations(app) == {}


# The home page ------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_the_home_page_links_to_contacts_and_members(app, signed_in, user, headers):
    org_factories.make_organization(app, user, name="Acme", slug="acme")

    response = signed_in.get("/organizations/acme/", headers=headers)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<h1>Acme</h1>" in body and "You own this organization" in body
    assert 'href="/organizations/acme/contacts"' in body
    assert 'href="/organizations/acme/members"' in body


def test_a_member_sees_their_role_on_the_home_page(app):
    cast = org_factories.make_cast(app)

    body = cast.member_browser.get("/organizations/acme/").get_data(as_text=True)

    assert "You are a member of this organization." in body
    assert 'href="/organizations/acme/contacts"' in body


@pytest.mark.parametrize(
    "path",
    [
        "/organizations",
        "/organizations/acme/",
        "/organizations/acme/contacts",
        "/organizations/acme/members",
    ],
)
def test_pages_carry_no_inline_script_or_style(app, path):
    """The CSP forbids inline script and style: the pages must not need them."""
    cast = org_factories.make_cast(app)
    org_factories.make_contact(app, cast.acme)

    body = cast.owner_browser.get(path).get_data(as_text=True)

    assert "style=" not in body and "<style" not in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert not re.search(r"\son[a-z]+=", body)  # no onclick= and friends either
