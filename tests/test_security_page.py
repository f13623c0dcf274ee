"""The security page lists the user's own live sessions, and never their secrets."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.filters import utc_time
from myapp.sessions.models import UserSession
from tests import factories
from tests.support import CHROME_MACOS, SAFARI_IPHONE, Browser

PAGE = "/settings/security"


def set_times(app, public_id, **values):
    with app.app_context():
        db.session.execute(
            update(UserSession).where(UserSession.public_id == public_id).values(**values)
        )
        db.session.commit()


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="session-row.*?</tr>', html, re.S)


def test_lists_own_unexpired_sessions_most_recently_active_first(app, client, user):
    this = client.sign_in_as(user)
    phone = Browser(app).sign_in_as(user, user_agent=SAFARI_IPHONE)
    laptop = Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)
    expired = Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)
    stranger = factories.make_user(app, email="eve@example.com")
    Browser(app).sign_in_as(stranger, user_agent=SAFARI_IPHONE)
    now = utcnow()
    # This device's row is stale on purpose: the page still shows it as active now.
    set_times(app, this.public_id, last_active_at=now - timedelta(hours=3))
    set_times(app, phone.public_id, last_active_at=now - timedelta(days=2))
    set_times(app, laptop.public_id, last_active_at=now - timedelta(minutes=5, seconds=10))
    set_times(app, expired.public_id, expires_at=now - timedelta(seconds=1))

    response = client.get(PAGE)

    assert response.status_code == 200
    found = rows(response.get_data(as_text=True))
    assert len(found) == 3
    this_row, laptop_row, phone_row = found
    assert "Firefox 133 on Linux" in this_row and "This device" in this_row
    assert "Chrome 131 on macOS" in laptop_row and "5 minutes ago" in laptop_row
    assert f'title="{utc_time(now - timedelta(minutes=5, seconds=10))}"' in laptop_row
    assert "Safari on iPhone" in phone_row and "2 days ago" in phone_row
    assert "This device" not in laptop_row + phone_row
    assert "203.0.113.9" in phone_row
    assert expired.public_id not in response.get_data(as_text=True)


def test_other_devices_rows_have_a_revoke_form_that_works_with_and_without_htmx(app, client, user):
    client.sign_in_as(user)
    other = Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)

    html = client.get(PAGE).get_data(as_text=True)

    url = f"{PAGE}/sessions/{other.public_id}/revoke"
    assert f'<form method="get" action="{url}" hx-post="{url}" hx-target="#sessions"' in html
    for url in (f"{PAGE}/sessions/revoke-others", f"{PAGE}/sessions/revoke-all"):
        assert f'action="{url}" hx-post="{url}" hx-target="#sessions"' in html
    # Each POST form carries its own CSRF token; the GET forms that ask first carry none
    # (htmx sends it in a header), so it never lands in a URL.
    assert html.count('name="csrf_token"') == html.count('<form method="post"')
    assert 'id="sessions"' in html
    assert "Log out all other devices" in html and "Log out all devices" in html
    assert 'action="/settings/security/password"' in html


def test_this_devices_row_has_a_badge_and_no_log_out_button(app, client, user):
    this = client.sign_in_as(user)
    Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)

    this_row, other_row = rows(client.get(PAGE).get_data(as_text=True))

    # This device signs out with Sign out in the account menu.
    assert '<span class="badge badge-ok">This device</span>' in this_row
    assert f"/sessions/{this.public_id}/revoke" not in this_row and "<button" not in this_row
    assert ">Log out</button>" in other_row


def test_each_row_says_when_and_how_it_signed_in_in_utc_for_local_time_js(app, client, user):
    client.sign_in_as(user)
    passkey = Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)
    signed_in_at = utcnow() - timedelta(days=3)
    set_times(app, passkey.public_id, auth_method="passkey", created_at=signed_in_at)

    this_row, passkey_row = rows(client.get(PAGE).get_data(as_text=True))

    # The server writes UTC, labelled; static/js/local-time.js rewrites it in local time.
    iso, utc = signed_in_at.isoformat(), utc_time(signed_in_at)
    assert f'<time datetime="{iso}" data-local-time>{utc}</time>' in passkey_row
    assert utc_time(signed_in_at).endswith(" UTC")
    assert '<td class="auth-method" data-label="Signed in with">Passkey</td>' in passkey_row
    assert '<td class="auth-method" data-label="Signed in with">Password</td>' in this_row


def test_log_out_all_other_devices_is_disabled_when_there_are_none(app, client, user):
    client.sign_in_as(user)

    alone = client.get(PAGE).get_data(as_text=True)
    other = Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)
    with_other = client.get(PAGE).get_data(as_text=True)

    disabled = (
        '<button type="submit" disabled aria-describedby="no-other-devices">'
        "Log out all other devices</button>"
    )
    assert disabled in alone
    assert 'id="no-other-devices">You are not signed in on any other device.</p>' in alone
    assert disabled not in with_other and "no-other-devices" not in with_other
    assert f"/sessions/{other.public_id}/revoke" in with_other


def test_every_cell_is_labelled_for_the_stacked_phone_layout(app, client, user):
    client.sign_in_as(user)
    Browser(app).sign_in_as(user, user_agent=CHROME_MACOS)

    html = client.get(PAGE).get_data(as_text=True)

    cells = re.findall(r"<td\b[^>]*>", html)
    assert cells and all("data-label=" in cell for cell in cells)


def test_never_renders_tokens_hashes_or_inline_code(app, client, user):
    client.sign_in_as(user)
    other = Browser(app)
    other.sign_in_as(user, user_agent=CHROME_MACOS)
    with app.app_context():
        hashes = db.session.scalars(select(UserSession.token_hash)).all()

    html = client.get(PAGE).get_data(as_text=True)

    for secret in [client.session_token(), other.session_token(), *hashes]:
        assert secret not in html
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_a_real_swap_gets_the_list_alone(signed_in):
    response = signed_in.htmx_get(PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="sessions"' not in html
    assert len(rows(html)) == 1
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_navigation_gets_the_full_page(signed_in):
    response = signed_in.htmx_get(PAGE, boosted=True)

    html = response.get_data(as_text=True)
    assert "<title>Security · myapp</title>" in html and 'id="sessions"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=%2Fsettings%2Fsecurity"

    response = client.htmx_get(PAGE)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in?next=%2Fsettings%2Fsecurity"


def test_the_user_menu_links_to_the_security_page(signed_in):
    html = signed_in.get("/organizations").get_data(as_text=True)
    menu = re.search(r'<nav class="user-menu".*?</nav>', html, re.S).group(0)
    assert f'<a href="{PAGE}">Security</a>' in menu
