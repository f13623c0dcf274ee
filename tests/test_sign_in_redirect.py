"""Signed-out requests go to /sign-in and come back to where they were, never off-site."""

import pytest

from myapp.auth.redirects import safe_next


def test_page_redirects_to_sign_in_with_next(client):
    response = client.get("/organizations?tab=mine")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=%2Forganizations%3Ftab%3Dmine"


def test_htmx_swap_gets_hx_redirect_back_to_the_current_page(client):
    response = client.htmx_get("/organizations", current="/organizations/acme/contacts?q=a")
    assert response.status_code == 200
    assert (
        response.headers["HX-Redirect"]
        == "/sign-in?next=%2Forganizations%2Facme%2Fcontacts%3Fq%3Da"
    )
    assert response.text == ""  # nothing to swap into the fragment


def test_boosted_navigation_comes_back_to_the_page_it_asked_for(client):
    response = client.htmx_get("/organizations", current="/sign-in", boosted=True)
    assert (response.status_code, response.location) == (303, "/sign-in?next=%2Forganizations")


def test_action_without_session_redirects_and_does_nothing(client):
    response = client.post("/sign-out", headers={"Referer": "http://localhost/organizations"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=%2Forganizations"


def test_htmx_action_without_session_gets_hx_redirect(client):
    response = client.post("/sign-out", htmx=True, current="/organizations")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in?next=%2Forganizations"


def test_sign_in_returns_to_next(client, user):
    response = client.sign_in(user.email, next="/organizations?tab=mine")
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizations?tab=mine"


def test_sign_in_page_carries_next_through_the_form(client):
    page = client.get("/sign-in?next=/organizations/acme/").text
    assert 'name="next" value="/organizations/acme/"' in page


HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "http:evil.example",
    "/%0d%0aSet-Cookie:x",
    "/\t/evil.example",
    "data:text/html,<script>alert(1)</script>",
    "organizations",
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_hostile_next_lands_on_the_site(client, user, hostile):
    response = client.sign_in(user.email, next=hostile)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "\\" not in location
    assert location == "/organizations" or safe_next(hostile) == location


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_hostile_next_is_not_rendered_into_the_form(client, hostile):
    page = client.get("/sign-in", query_string={"next": hostile}).text
    assert "evil.example" not in page and "javascript:" not in page.lower()
