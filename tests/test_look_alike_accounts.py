"""One mailbox, one account: spellings that look alike are one email; names hide no bidi tricks.

Emails are compared in one normal form (``auth/models.py:normalize_email``): the local part
NFKC-normalised and case-folded, the domain IDNA-encoded by email-validator.
"""

import pytest
from sqlalchemy import func, select

from myapp.auth.models import User, normalize_email
from myapp.extensions import db
from tests import factories, org_factories

PASSWORD = factories.DEFAULT_PASSWORD

#: "josé@example.com" with the é composed (NFC), as most keyboards type it.
JOSE_NFC = "jos\u00e9@example.com"
#: The same address with "e" followed by a combining acute accent (NFD), as macOS may send it.
JOSE_NFD = "jose\u0301@example.com"


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        (JOSE_NFD, JOSE_NFC),
        ("Ada@EXAMPLE.com", "ada@example.com"),
        ("ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", "ada@example.com"),  # fullwidth
        ("\uff21\uff44\uff41@example.com", "ada@example.com"),  # fullwidth local part
        ("ada@B\u00fccher.DE", "ada@xn--bcher-kva.de"),
        ("  ada@example.com ", "ada@example.com"),
    ],
)
def test_look_alike_spellings_have_one_normal_form(app, value, normal):
    assert normalize_email(value) == normal


@pytest.mark.parametrize(
    "twin",
    [JOSE_NFD, "jos\u00e9@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", "JOS\u00c9@Example.COM"],
    ids=["nfd", "fullwidth-domain", "upper-case"],
)
def test_a_look_alike_twin_cannot_sign_up(app, client, twin):
    factories.make_user(app, email=JOSE_NFC)

    response = client.post("/sign-up", {"name": "Eve", "email": twin, "password": PASSWORD})

    assert response.status_code == 422
    assert "An account with this email already exists." in response.text
    assert user_count(app) == 1


def test_a_look_alike_spelling_signs_in_to_the_one_account(app, client):
    factories.make_user(app, email=JOSE_NFC)

    response = client.sign_in(JOSE_NFD, password=PASSWORD)

    assert response.status_code == 303
    assert client.get("/api/auth/session").json["user"]["email"] == JOSE_NFC


def test_sign_up_stores_the_normal_form(app, client):
    client.post("/sign-up", {"name": "José", "email": JOSE_NFD, "password": PASSWORD})

    assert client.get("/api/auth/session").json["user"]["email"] == JOSE_NFC


def test_inviting_a_look_alike_spelling_invites_the_one_account(app):
    cast = org_factories.make_cast(app)
    factories.make_user(app, email=JOSE_NFC)

    response = cast.owner_browser.post(
        "/organizations/acme/invitations", {"email": JOSE_NFD, "role": "member"}
    )

    assert response.status_code == 303
    assert org_factories.invitations_of(app, cast.acme) == [(JOSE_NFC, "member", "pending")]


BIDI_CONTROLS = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_a_name_with_a_bidi_control_is_refused(app, client, control):
    data = {"name": f"Ada{control}ecalevoL", "email": "ada@example.com", "password": PASSWORD}

    response = client.post("/sign-up", data)

    assert response.status_code == 422
    assert "Remove the text-direction characters from this field." in response.text
    assert user_count(app) == 0


def test_an_organization_name_with_a_bidi_control_is_refused(app, signed_in):
    response = signed_in.post("/organizations", {"name": "Acme\u202e dlrow"})

    assert response.status_code == 422
    assert "Remove the text-direction characters from this field." in response.text
    assert org_factories.organization_count(app) == 0
