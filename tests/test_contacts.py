"""Contacts: members read, create and edit; only admins delete; other organizations' ids are 404.

The page works as plain forms and as htmx swaps of ``_list.html``; each route is tested as a
plain request, a boosted one (full page) and a real swap (the partial).
"""

from datetime import timedelta

import pytest
from sqlalchemy import update

from myapp.contacts.models import Contact
from myapp.database import utcnow
from myapp.extensions import db
from tests import org_factories
from tests.support import BOOSTED

LIST = "/organizations/acme/contacts"
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.fixture
def alan(app, cast):
    return org_factories.make_contact(app, cast.acme, name="Alan Turing", email="alan@example.com")


@pytest.fixture
def secret(app, cast):
    """A contact of Globex, the stranger's organization."""
    return org_factories.make_contact(app, cast.globex, name="Globex Secret", phone="555-0100")


def names(app, organization):
    return [contact.name for contact in org_factories.contacts_of(app, organization)]


def contact_fields(app, organization):
    return [
        (c.id, c.organization_id, c.name, c.email, c.phone, c.notes)
        for c in org_factories.contacts_of(app, organization)
    ]


def is_full_page(response) -> bool:
    return response.get_data(as_text=True).lstrip().startswith("<!doctype html>")


def is_list_partial(response) -> bool:
    body = response.get_data(as_text=True).lstrip()
    return body.startswith('<section id="contacts-list"') and "<html" not in body


# Reading ------------------------------------------------------------------------------------
def test_a_member_sees_their_organizations_contacts_only(cast, alan, secret):
    response = cast.member_browser.get(LIST)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Alan Turing" in body and "alan@example.com" in body
    assert "Globex Secret" not in body


@pytest.mark.parametrize(
    ("headers", "partial"),
    [({}, False), (BOOSTED, False), (HISTORY_RESTORE, False), ({"HX-Request": "true"}, True)],
    ids=["plain", "boosted", "history-restore", "swap"],
)
def test_the_list_is_a_full_page_unless_htmx_swaps_it(cast, alan, headers, partial):
    response = cast.member_browser.get(LIST, headers=headers)

    assert response.status_code == 200
    assert is_list_partial(response) is partial
    assert is_full_page(response) is not partial
    assert "Alan Turing" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_the_contacts_page_costs_four_statements(cast, alan, count_queries):
    browser = cast.member_browser
    browser.get(LIST)  # warm the connection pool

    response, statements = count_queries(lambda: browser.get(LIST))

    assert response.status_code == 200
    # Session, organization + membership, contacts, and the organization switcher's list.
    assert len(statements) <= 4, statements


@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_contact_has_its_own_page(cast, alan, headers):
    response = cast.member_browser.get(f"{LIST}/{alan.id}", headers=headers)

    assert response.status_code == 200
    assert is_full_page(response)
    body = response.get_data(as_text=True)
    assert "<h1>Alan Turing</h1>" in body and 'href="mailto:alan@example.com"' in body


def test_members_see_no_delete_buttons_and_admins_do(cast, alan):
    delete_url = f"{LIST}/{alan.id}/delete"

    assert delete_url not in cast.member_browser.get(LIST).get_data(as_text=True)
    assert delete_url in cast.owner_browser.get(LIST).get_data(as_text=True)


# Creating -----------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_member_adds_a_contact_and_comes_back_to_the_list(app, cast, headers):
    browser = cast.member_browser

    form = {"name": " Grace ", "email": "grace@example.com"}

    response = browser.post(LIST, form, headers=headers)

    assert (response.status_code, response.location) == (303, LIST)
    (grace,) = org_factories.contacts_of(app, cast.acme)
    assert (grace.name, grace.email, grace.phone, grace.notes) == (
        "Grace",
        "grace@example.com",
        None,
        None,
    )
    page = browser.get(LIST).get_data(as_text=True)
    assert "Contact added." in page and "Grace" in page


def test_adding_in_a_swap_returns_the_list_with_an_empty_form(app, cast, alan):
    response = cast.member_browser.post(LIST, {"name": "Grace Hopper"}, htmx=True)

    assert response.status_code == 200
    assert is_list_partial(response)
    body = response.get_data(as_text=True)
    assert "Alan Turing" in body and "Grace Hopper" in body
    assert 'value="Grace Hopper"' not in body  # the add form is ready for the next one
    assert names(app, cast.acme) == ["Alan Turing", "Grace Hopper"]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name."),
        ({"name": "   "}, "name", "Enter a name."),
        ({"name": "Grace", "email": "not an email"}, "email", "Enter a valid email address"),
        ({"name": "x" * 101}, "name", "Names are at most 100 characters."),
        ({"name": "Grace\x00"}, "name", "Remove the control characters"),
    ],
    ids=["missing-name", "blank-name", "bad-email", "long-name", "control-character"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_invalid_input_is_422_with_the_message_and_writes_nothing(
    app, cast, form, field, message, htmx
):
    response = cast.member_browser.post(LIST, form, htmx=htmx)

    assert response.status_code == 422
    assert is_list_partial(response) is htmx
    body = response.get_data(as_text=True)
    assert message in body
    assert f'id="new-{field}-errors"' in body
    assert names(app, cast.acme) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_adding_without_a_csrf_token_is_400_and_writes_nothing(app, cast, htmx):
    response = cast.member_browser.post(LIST, {"name": "Grace"}, csrf=False, htmx=htmx)

    assert response.status_code == 400
    assert names(app, cast.acme) == []


def test_adding_ignores_organization_id_id_and_role(app, cast, secret):
    response = cast.member_browser.post(
        LIST,
        {"name": "Grace", "organization_id": cast.globex.id, "id": secret.id, "role": "admin"},
    )

    assert response.status_code == 303
    (grace,) = org_factories.contacts_of(app, cast.acme)
    assert grace.name == "Grace" and grace.id != secret.id
    assert names(app, cast.globex) == ["Globex Secret"]
    assert org_factories.membership_of(app, cast.acme, cast.member).role == "member"


# Editing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "partial"),
    [({}, False), (BOOSTED, False), ({"HX-Request": "true"}, True)],
    ids=["plain", "boosted", "swap"],
)
def test_edit_shows_the_row_as_a_form_inline(cast, alan, headers, partial):
    response = cast.member_browser.get(f"{LIST}/{alan.id}?edit=1", headers=headers)

    assert response.status_code == 200
    assert is_list_partial(response) is partial
    assert is_full_page(response) is not partial
    body = response.get_data(as_text=True)
    assert f'action="{LIST}/{alan.id}/update"' in body
    assert 'id="edit-name"' in body and 'value="Alan Turing"' in body
    assert 'value="alan@example.com"' in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_member_updates_a_contact_and_comes_back_to_the_list(app, cast, alan, headers):
    with app.app_context():
        # Make "updated_at moved" observable within the same second.
        db.session.execute(update(Contact).values(updated_at=utcnow() - timedelta(days=1)))
        db.session.commit()

    response = cast.member_browser.post(
        f"{LIST}/{alan.id}/update",
        {"name": "Alan M. Turing", "email": "", "phone": "555-0199", "notes": "Bletchley\nPark"},
        headers=headers,
    )

    assert (response.status_code, response.location) == (303, LIST)
    (saved,) = org_factories.contacts_of(app, cast.acme)
    assert (saved.id, saved.name, saved.email, saved.phone, saved.notes) == (
        alan.id,
        "Alan M. Turing",
        None,
        "555-0199",
        "Bletchley\nPark",
    )
    assert saved.updated_at > utcnow() - timedelta(minutes=1)
    assert "Contact saved." in cast.member_browser.get(LIST).get_data(as_text=True)


def test_updating_in_a_swap_returns_the_list_without_the_edit_form(app, cast, alan):
    response = cast.member_browser.post(
        f"{LIST}/{alan.id}/update", {"name": "Alan M. Turing"}, htmx=True
    )

    assert response.status_code == 200
    assert is_list_partial(response)
    body = response.get_data(as_text=True)
    assert "Alan M. Turing" in body
    assert 'id="edit-name"' not in body
    assert names(app, cast.acme) == ["Alan M. Turing"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_invalid_update_is_422_in_the_edit_form_and_changes_nothing(app, cast, alan, htmx):
    before = contact_fields(app, cast.acme)

    response = cast.member_browser.post(
        f"{LIST}/{alan.id}/update", {"name": "", "email": "nope"}, htmx=htmx
    )

    assert response.status_code == 422
    assert is_list_partial(response) is htmx
    body = response.get_data(as_text=True)
    assert 'id="edit-name-errors"' in body and "Enter a name." in body
    assert 'id="edit-email-errors"' in body
    assert contact_fields(app, cast.acme) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_updating_without_a_csrf_token_is_400_and_changes_nothing(app, cast, alan, htmx):
    before = contact_fields(app, cast.acme)

    response = cast.member_browser.post(
        f"{LIST}/{alan.id}/update", {"name": "Changed"}, csrf=False, htmx=htmx
    )

    assert response.status_code == 400
    assert contact_fields(app, cast.acme) == before


def test_updating_ignores_organization_id_id_and_role(app, cast, alan, secret):
    globex_before = contact_fields(app, cast.globex)

    response = cast.member_browser.post(
        f"{LIST}/{alan.id}/update",
        {"name": "Alan", "organization_id": cast.globex.id, "id": secret.id, "role": "admin"},
    )

    assert response.status_code == 303
    (saved,) = org_factories.contacts_of(app, cast.acme)
    assert (saved.id, saved.organization_id, saved.name) == (alan.id, cast.acme.id, "Alan")
    assert contact_fields(app, cast.globex) == globex_before
    assert org_factories.membership_of(app, cast.acme, cast.member).role == "member"


# Deleting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_an_admin_deletes_a_contact_and_comes_back_to_the_list(app, cast, alan, headers):
    response = cast.owner_browser.post(f"{LIST}/{alan.id}/delete", headers=headers)

    assert (response.status_code, response.location) == (303, LIST)
    assert names(app, cast.acme) == []
    assert "Contact deleted." in cast.owner_browser.get(LIST).get_data(as_text=True)


def test_deleting_in_a_swap_returns_the_list_without_the_row(app, cast, alan):
    response = cast.owner_browser.post(f"{LIST}/{alan.id}/delete", htmx=True)

    assert response.status_code == 200
    assert is_list_partial(response)
    assert "Alan Turing" not in response.get_data(as_text=True)
    assert names(app, cast.acme) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_cannot_delete_a_contact(app, cast, alan, htmx):
    response = cast.member_browser.post(f"{LIST}/{alan.id}/delete", htmx=htmx)

    assert response.status_code == 403
    assert "Only admins can delete contacts." in response.get_data(as_text=True)
    assert names(app, cast.acme) == ["Alan Turing"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_deleting_without_a_csrf_token_is_400_and_deletes_nothing(app, cast, alan, htmx):
    response = cast.owner_browser.post(f"{LIST}/{alan.id}/delete", csrf=False, htmx=htmx)

    assert response.status_code == 400
    assert names(app, cast.acme) == ["Alan Turing"]


# Another organization's ids -----------------------------------------------------------------
OTHER_ORG_REQUESTS = [
    ("GET", "{id}", None),
    ("GET", "{id}?edit=1", None),
    ("POST", "{id}/update", {"name": "Stolen"}),
    ("POST", "{id}/update", {"name": ""}),  # invalid input must not reveal more than a 404
    ("POST", "{id}/delete", {}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
@pytest.mark.parametrize(
    ("method", "path", "data"),
    OTHER_ORG_REQUESTS,
    ids=["show", "edit", "update", "invalid-update", "delete"],
)
def test_a_contact_of_another_organization_is_404_and_untouched(
    app, cast, secret, method, path, data, htmx
):
    before = contact_fields(app, cast.globex)
    url = f"{LIST}/{path.format(id=secret.id)}"
    browser = cast.owner_browser  # an admin of Acme: the role does not open Globex

    if method == "GET":
        response = browser.htmx_get(url) if htmx else browser.get(url)
    else:
        response = browser.post(url, data, htmx=htmx)

    assert response.status_code == 404
    assert "Globex Secret" not in response.get_data(as_text=True)
    assert contact_fields(app, cast.globex) == before


@pytest.mark.parametrize("path", ["12345", "12345?edit=1"])
def test_a_contact_that_does_not_exist_is_404(cast, path):
    assert cast.member_browser.get(f"{LIST}/{path}").status_code == 404
