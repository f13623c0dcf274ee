"""Setting up the authenticator app: sudo first, a QR code and secret, a code to confirm,
ten recovery codes shown once, stored only as hashes; regenerating and turning it off."""

import re
from html import unescape

import pyotp
from sqlalchemy import select

from myapp.extensions import db
from myapp.two_factor.models import RecoveryCode, TotpCredential
from tests.support import age_sudo
from tests.two_factor_factories import code, enable_totp

PAGE = "/settings/security/two-factor"


def page_secret(html: str) -> str:
    return re.search(r'data-totp-secret="([A-Z2-7]+)"', html).group(1)


def recovery_codes(html: str) -> list[str]:
    return re.findall(r'class="recovery-code">([^<]+)<', html)


def start_setup(client) -> str:
    response = client.post(f"{PAGE}/setup")
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    return page_secret(client.get(PAGE).text)


def test_setup_shows_a_qr_code_and_the_secret_and_a_current_code_turns_it_on(app, signed_in):
    assert "Set up authenticator app" in signed_in.get(PAGE).text
    secret = start_setup(signed_in)
    page = signed_in.get(PAGE).text
    assert "<svg" in page and "style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
    assert "Turn on two-factor" in page

    response = signed_in.post(f"{PAGE}/confirm", {"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 200
    codes = recovery_codes(response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Two-factor authentication is on" in response.text
    # Shown once: the next visit lists no codes and no secret.
    later = signed_in.get(PAGE).text
    assert recovery_codes(later) == [] and secret not in later
    assert "10 unused recovery codes" in later


def test_the_secret_and_the_codes_are_not_stored_in_clear(app, signed_in):
    secret = start_setup(signed_in)
    codes = recovery_codes(signed_in.post(f"{PAGE}/confirm", {"code": code(secret)}).text)
    with app.app_context():
        stored = db.session.scalar(select(TotpCredential.secret_encrypted))
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert secret not in stored
    assert len(hashes) == 10
    for recovery_code in codes:
        assert all(recovery_code.replace("-", "").upper() not in h.upper() for h in hashes)


def test_a_wrong_code_leaves_it_off(app, signed_in):
    secret = start_setup(signed_in)
    wrong = f"{(int(code(secret)) + 1) % 1_000_000:06d}"
    response = signed_in.post(f"{PAGE}/confirm", {"code": wrong})
    assert response.status_code == 422
    assert "That code is not correct" in unescape(response.text)
    assert recovery_codes(response.text) == []
    assert "Two-factor authentication is on" not in signed_in.get(PAGE).text


def test_setup_needs_sudo_mode(app, signed_in):
    age_sudo(app)
    response = signed_in.post(f"{PAGE}/setup")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sudo?next=")
    with app.app_context():
        assert db.session.scalar(select(TotpCredential.id)) is None


def test_setup_through_htmx_redirects_to_sudo_with_hx_redirect(app, signed_in):
    age_sudo(app)
    response = signed_in.post(f"{PAGE}/setup", htmx=True, current=PAGE)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/sudo?next=")


def test_the_setup_secret_is_hidden_outside_sudo_mode(app, signed_in):
    secret = start_setup(signed_in)
    age_sudo(app)
    page = signed_in.get(PAGE).text
    assert secret not in page and "Set up authenticator app" in page


def test_a_boosted_confirm_gets_the_codes_as_a_full_page(app, signed_in):
    secret = start_setup(signed_in)
    response = signed_in.post(
        f"{PAGE}/confirm",
        {"code": code(secret)},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.status_code == 200
    assert "<html" in response.text and len(recovery_codes(response.text)) == 10


def test_regenerating_replaces_every_code(app, signed_in, user):
    _, old_codes = enable_totp(app, user)
    response = signed_in.post(f"{PAGE}/recovery-codes")
    new_codes = recovery_codes(response.text)
    assert response.status_code == 200
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)


def test_regenerating_and_turning_off_need_sudo_mode(app, signed_in, user):
    enable_totp(app, user)
    age_sudo(app)
    for path in ("recovery-codes", "disable"):
        response = signed_in.post(f"{PAGE}/{path}")
        assert response.headers["Location"].startswith("/sudo?next=")
    assert "Two-factor authentication is on" in signed_in.get(PAGE).text


def test_turning_off_removes_the_app_and_the_codes(app, signed_in, user):
    enable_totp(app, user)
    response = signed_in.post(f"{PAGE}/disable")
    assert response.status_code == 303
    assert "Set up authenticator app" in signed_in.get(response.headers["Location"]).text
    with app.app_context():
        assert db.session.scalar(select(RecoveryCode.id)) is None


def test_the_page_needs_a_session(client):
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_turning_off_through_htmx_gets_hx_redirect(app, signed_in, user):
    enable_totp(app, user)
    response = signed_in.post(f"{PAGE}/disable", htmx=True, current=PAGE)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == PAGE
    assert "Set up authenticator app" in signed_in.get(PAGE).text
