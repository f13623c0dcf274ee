"""An action on a row that is gone (deleted in another tab) keeps the list usable.

A real swap gets the list's stable wrapper back, re-rendered as it is now with the refusal's
message, so the next swap still finds its target; a plain or boosted post gets the error page.
"""

import pytest

from tests import factories, org_factories
from tests.support import BOOSTED, PLAIN

CONTACTS = "/organizations/acme/contacts"
MEMBERS = "/organizations/acme/members"


def body(response) -> str:
    return response.get_data(as_text=True)


def names(app, organization):
    return [contact.name for contact in org_factories.contacts_of(app, organization)]


@pytest.fixture
def alan(app, cast):
    return org_factories.make_contact(app, cast.acme, name="Alan Turing")


def test_deleting_a_contact_twice_in_swaps_keeps_the_list_and_adding_still_works(app, cast, alan):
    browser = cast.owner_browser
    delete_url = f"{CONTACTS}/{alan.id}/delete"
    browser.post(delete_url, htmx=True, current=CONTACTS)

    again = browser.post(delete_url, htmx=True, current=CONTACTS)

    assert again.status_code == 404
    assert body(again).lstrip().startswith('<section id="contacts-list"')
    assert "That contact does not exist." in body(again)
    assert 'hx-target="#contacts-list"' in body(again)  # the add form is still there

    added = browser.post(CONTACTS, {"name": "Grace Hopper"}, htmx=True, current=CONTACTS)

    assert added.status_code == 200
    assert body(added).lstrip().startswith('<section id="contacts-list"')
    assert "Grace Hopper" in body(added)
    assert "That contact does not exist." not in body(added)
    assert names(app, cast.acme) == ["Grace Hopper"]


def test_editing_a_deleted_contact_in_a_swap_keeps_the_list(app, cast, alan):
    cast.owner_browser.post(f"{CONTACTS}/{alan.id}/delete", htmx=True)

    response = cast.member_browser.post(
        f"{CONTACTS}/{alan.id}/update", {"name": "Alan M. Turing"}, htmx=True, current=CONTACTS
    )

    assert response.status_code == 404
    assert body(response).lstrip().startswith('<section id="contacts-list"')
    assert "That contact does not exist." in body(response)
    assert names(app, cast.acme) == []


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED], ids=["plain", "boosted"])
def test_deleting_a_contact_twice_without_a_swap_is_the_404_page_then_adding_works(
    app, cast, alan, headers
):
    browser = cast.owner_browser
    browser.post(f"{CONTACTS}/{alan.id}/delete", headers=headers)

    again = browser.post(f"{CONTACTS}/{alan.id}/delete", headers=headers)

    assert again.status_code == 404
    assert body(again).lstrip().startswith("<!doctype html>")
    assert "That contact does not exist." in body(again)

    added = browser.post(CONTACTS, {"name": "Grace Hopper"}, headers=headers)

    assert (added.status_code, added.location) == (303, CONTACTS)
    assert names(app, cast.acme) == ["Grace Hopper"]


@pytest.fixture
def newcomer(app):
    return factories.make_user(app, name="Nia Newcomer", email="nia@example.com")


def test_removing_a_member_twice_in_swaps_keeps_the_list_and_inviting_still_works(
    app, cast, newcomer
):
    browser = cast.owner_browser
    remove_url = f"{MEMBERS}/{cast.member_membership.id}/remove"
    browser.post(remove_url, htmx=True, current=MEMBERS)

    again = browser.post(remove_url, htmx=True, current=MEMBERS)

    assert again.status_code == 404
    assert body(again).lstrip().startswith('<section id="members"')
    assert "That member does not exist." in body(again)
    assert "Max Member" not in body(again)

    invited = browser.post(MEMBERS, {"email": newcomer.email, "role": "member"}, htmx=True)

    assert invited.status_code == 200
    assert body(invited).lstrip().startswith('<section id="members"')
    assert f'<td data-label="Email">{newcomer.email}</td>' in body(
        invited
    )  # in the pending invitations
    assert org_factories.invitations_of(app, cast.acme) == [(newcomer.email, "member", "pending")]


def test_changing_the_role_of_a_removed_member_in_a_swap_keeps_the_list(app, cast):
    browser = cast.owner_browser
    browser.post(f"{MEMBERS}/{cast.member_membership.id}/remove", htmx=True)

    response = browser.post(
        f"{MEMBERS}/{cast.member_membership.id}/role", {"role": "admin"}, htmx=True
    )

    assert response.status_code == 404
    assert body(response).lstrip().startswith('<section id="members"')
    assert org_factories.membership_of(app, cast.acme, cast.member) is None


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED], ids=["plain", "boosted"])
def test_removing_a_member_twice_without_a_swap_is_the_404_page_then_inviting_works(
    app, cast, newcomer, headers
):
    browser = cast.owner_browser
    remove_url = f"{MEMBERS}/{cast.member_membership.id}/remove"
    browser.post(remove_url, headers=headers)

    again = browser.post(remove_url, headers=headers)

    assert again.status_code == 404
    assert body(again).lstrip().startswith("<!doctype html>")

    invited = browser.post(MEMBERS, {"email": newcomer.email, "role": "member"}, headers=headers)

    assert (invited.status_code, invited.location) == (303, MEMBERS)
    assert org_factories.invitations_of(app, cast.acme) == [(newcomer.email, "member", "pending")]


def test_a_new_contact_never_gets_the_id_of_a_deleted_one(app, cast, alan):
    # A tab still showing Alan must not be able to edit or delete whoever comes next.
    cast.owner_browser.post(f"{CONTACTS}/{alan.id}/delete")

    grace = org_factories.make_contact(app, cast.acme, name="Grace Hopper")

    assert grace.id != alan.id
    assert cast.owner_browser.post(f"{CONTACTS}/{alan.id}/delete").status_code == 404
    assert names(app, cast.acme) == ["Grace Hopper"]


def test_a_new_membership_never_gets_the_id_of_a_removed_one(app, cast, newcomer):
    removed = cast.member_membership
    cast.owner_browser.post(f"{MEMBERS}/{removed.id}/remove")

    added = org_factories.add_member(app, cast.acme, newcomer)

    assert added.id != removed.id
    assert cast.owner_browser.post(f"{MEMBERS}/{removed.id}/remove").status_code == 404
    assert org_factories.membership_of(app, cast.acme, newcomer) is not None
