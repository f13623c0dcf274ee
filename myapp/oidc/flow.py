"""The authorization code flow (PKCE S256, ``state``, ``nonce``) and the checks on its answer.

``begin`` makes the three secrets with ``secrets`` (256 bits each) and keeps them, with what
the flow is for, in Flask's cookie: signed with ``SECRET_KEY`` and HttpOnly, so the answer
can only be completed in the browser that started it. ``complete`` takes them out again
before checking anything, so each flow can be completed once; a replayed, forged or
cross-browser callback finds nothing to match and is refused. One flow at a time: starting
another replaces the first. The provider keeps the other half of the bargain: an
authorization code works once, and only with the PKCE verifier kept here.

The ID token is checked as OpenID Connect Core 3.1.3.7 asks: signature by a key from the
issuer's JWKS, ``iss``, ``aud`` (our client id), ``exp``, ``nonce``, and ``at_hash`` when
present. The email comes from the ID token or, when absent there, from the userinfo endpoint
(whose ``sub`` must match).
"""

import secrets
import time
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from flask import session as flask_cookie
from joserfc.errors import JoseError

from myapp.actions import ActionError
from myapp.mail import public_url
from myapp.oidc import providers
from myapp.oidc.providers import Provider

#: Key of the flow's secrets in Flask's cookie.
FLOW_KEY = "oidc_flow"
#: Seconds a started flow may take at the provider before its answer is refused.
FLOW_MAX_AGE = 10 * 60

#: What the flow is for: signing in (or up), linking a provider to the signed-in account, or
#: confirming it is still the account's owner before a sensitive action (sudo mode).
SIGN_IN = "sign_in"
LINK = "link"
SUDO = "sudo"
#: Seconds of clock difference allowed between the provider's ``auth_time`` and ours.
CLOCK_SKEW = 60

INVALID_CALLBACK = (
    "This sign-in could not be completed: it was already used, started in another browser, "
    "or took too long. Start again."
)


class FlowError(ActionError):
    """The provider's answer cannot be trusted or used; nothing was changed (400)."""

    default_message = INVALID_CALLBACK
    default_status = 400


@dataclass(frozen=True, slots=True)
class Started:
    """What the browser started the flow for, as kept in its cookie."""

    purpose: str
    next_path: str | None
    #: The public id of the session that started a link; None when signing in.
    session_public_id: str | None


@dataclass(frozen=True, slots=True)
class ProviderUser:
    """Who the provider says signed in: checked claims only."""

    provider: str
    subject: str
    email: str | None
    #: True only when the provider said ``email_verified: true`` (the JSON boolean).
    email_verified: bool
    name: str | None
    #: When the user last entered their credentials at the provider (``auth_time``), if said.
    authenticated_at: int | None = None


def begin(
    provider: Provider,
    *,
    purpose: str,
    next_path: str | None = None,
    session_public_id: str | None = None,
) -> str:
    """Start a flow in this browser and return the provider's authorization URL.

    For ``SUDO`` the provider is asked to make the user sign in again (``prompt=login``,
    ``max_age=0``), and ``complete`` checks that it did.

    :raise ActionError: the provider's discovery document cannot be fetched (503).
    """
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    # From PUBLIC_URL, like every link that leaves the site: never from the Host header.
    redirect_uri = public_url("oidc.callback", name=provider.name)
    extra = {"prompt": "login", "max_age": 0} if purpose == SUDO else {}
    try:
        authorization = providers.client(provider.name).create_authorization_url(
            redirect_uri, state=state, nonce=nonce, code_verifier=verifier, **extra
        )
    except requests.RequestException:
        raise _unreachable(provider) from None
    flask_cookie[FLOW_KEY] = {
        "provider": provider.name,
        "purpose": purpose,
        "state": state,
        "nonce": nonce,
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_path,
        "session": session_public_id,
        "started_at": int(time.time()),
    }
    return authorization["url"]


def pending_purpose(provider: Provider) -> str | None:
    """Return what the flow this browser started with ``provider`` is for, without using it."""
    started = flask_cookie.get(FLOW_KEY)
    if not isinstance(started, dict) or started.get("provider") != provider.name:
        return None
    return started.get("purpose")


def complete(provider: Provider, answer: dict, *, purpose: str) -> tuple[ProviderUser, Started]:
    """Check the provider's answer (the callback's query) and return who signed in.

    ``answer`` holds ``state`` and either ``code`` or ``error``, as the callback form
    parsed them. The flow's secrets leave the cookie first, whatever happens next.

    :raise FlowError: no matching flow in this browser, an error from the provider, a code
        the provider refuses, or an ID token that fails a check.
    :raise ActionError: the provider cannot be reached (503).
    """
    started = flask_cookie.pop(FLOW_KEY, None)
    if not _matches(started, provider, answer.get("state"), purpose):
        raise FlowError()
    if answer.get("error"):
        raise FlowError(f"{provider.label} did not sign you in. Start again if you want to.")
    if not answer.get("code"):
        raise FlowError()
    client = providers.client(provider.name)
    try:
        metadata = client.load_server_metadata()
        # RFC 9207: a provider that names itself in the answer must name the right issuer.
        # (A multi-tenant issuer template is checked in the ID token instead, with its tid.)
        issuer = metadata["issuer"]
        if answer.get("iss") and providers.TENANT_PLACEHOLDER not in issuer:
            if answer["iss"] != issuer:
                raise FlowError()
        token = client.fetch_access_token(
            redirect_uri=started["redirect_uri"],
            code=answer["code"],
            code_verifier=started["code_verifier"],
        )
        if "id_token" not in token:
            raise FlowError(f"{provider.label} did not send an ID token.")
        claims = client.parse_id_token(
            token,
            nonce=started["nonce"],
            claims_options={
                "iss": {
                    "essential": True,
                    "validate": lambda claims, _: providers.issuer_is_valid(issuer, claims),
                },
                "aud": {"essential": True, "values": [provider.client_id]},
                "nonce": {"essential": True},
            },
        )
        user = _provider_user(provider, claims)
        if purpose == SUDO and not _signed_in_again(user, started["started_at"]):
            raise FlowError(f"{provider.label} did not ask you to sign in again. Try again.")
        if user.email is None and metadata.get("userinfo_endpoint"):
            user = _with_userinfo(provider, user, client.userinfo(token=token))
    except (AuthlibBaseError, JoseError, KeyError, ValueError):
        # A refused code (invalid_grant), a bad signature, a wrong iss, aud, nonce or an
        # expired token: the answer is not trusted, and nothing has been written.
        raise FlowError() from None
    except requests.RequestException:
        raise _unreachable(provider) from None
    return user, Started(
        purpose=started["purpose"],
        next_path=started.get("next"),
        session_public_id=started.get("session"),
    )


def _matches(started, provider: Provider, state: str | None, purpose: str) -> bool:
    if not isinstance(started, dict) or not state:
        return False
    if started.get("provider") != provider.name or started.get("purpose") != purpose:
        return False
    if not secrets.compare_digest(str(started.get("state", "")), state):
        return False
    return time.time() - started.get("started_at", 0) <= FLOW_MAX_AGE


def _provider_user(provider: Provider, claims) -> ProviderUser:
    email = claims.get("email")
    auth_time = claims.get("auth_time")
    return ProviderUser(
        provider=provider.name,
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) and email else None,
        email_verified=claims.get("email_verified") is True,
        name=claims.get("name") if isinstance(claims.get("name"), str) else None,
        authenticated_at=auth_time if isinstance(auth_time, int) else None,
    )


def _signed_in_again(user: ProviderUser, started_at: int) -> bool:
    """Return whether the user entered their credentials at the provider during this flow."""
    return user.authenticated_at is not None and user.authenticated_at >= started_at - CLOCK_SKEW


def _with_userinfo(provider: Provider, user: ProviderUser, userinfo) -> ProviderUser:
    # OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
    if str(userinfo.get("sub")) != user.subject:
        raise FlowError()
    found = _provider_user(provider, {**userinfo, "sub": user.subject})
    return ProviderUser(
        provider=user.provider,
        subject=user.subject,
        email=found.email,
        email_verified=found.email_verified,
        name=user.name or found.name,
        authenticated_at=user.authenticated_at,
    )


def _unreachable(provider: Provider) -> ActionError:
    return ActionError(f"{provider.label} cannot be reached right now. Try again in a moment.", 503)
