"""Which OpenID Connect providers are configured, and an Authlib client for each.

``OIDC_PROVIDERS`` names them (``google,microsoft,okta``); for each name N the settings
``OIDC_<N>_ISSUER``, ``OIDC_<N>_CLIENT_ID``, ``OIDC_<N>_CLIENT_SECRET`` and the optional
``OIDC_<N>_LABEL`` describe it. Everything else (endpoints, keys) comes from the issuer's
discovery document, fetched on first use and kept for the life of the process. A provider
with a missing setting stops the app from starting rather than failing at the first sign-in.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

#: A provider name: it appears in URLs, setting names and the sessions table.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]{0,15}")

#: Issuer and button text for well-known providers, so only the client id and secret are needed.
DEFAULTS = {
    "google": {"issuer": "https://accounts.google.com", "label": "Google"},
    # "common": work or school accounts of any tenant, and personal Microsoft accounts.
    "microsoft": {
        "issuer": "https://login.microsoftonline.com/common/v2.0",
        "label": "Microsoft",
    },
}

#: What the app asks every provider for.
SCOPES = "openid email profile"

#: Microsoft's multi-tenant discovery document names this placeholder instead of one issuer.
TENANT_PLACEHOLDER = "{tenantid}"
#: A Microsoft tenant id (``tid``): a GUID.
TENANT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

_EXTENSION = "myapp.oidc"


@dataclass(frozen=True, slots=True)
class Provider:
    """One configured OpenID Connect provider."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str


def from_config(config) -> dict[str, Provider]:
    """Return the providers ``config`` names, in order, keyed by name.

    :raise RuntimeError: a name is malformed or repeated, or a required setting is missing.
    """
    raw = config.get("OIDC_PROVIDERS") or ""
    providers: dict[str, Provider] = {}
    for name in (part.strip().lower() for part in raw.split(",")):
        if not name:
            continue
        if not NAME_PATTERN.fullmatch(name):
            raise RuntimeError(
                f"OIDC_PROVIDERS: {name!r} is not a valid provider name "
                "(a letter, then up to 15 letters or digits)"
            )
        if name in providers:
            raise RuntimeError(f"OIDC_PROVIDERS names {name!r} twice")
        prefix = f"OIDC_{name.upper()}_"
        defaults = DEFAULTS.get(name, {})
        values = {
            "issuer": config.get(prefix + "ISSUER") or defaults.get("issuer"),
            "client_id": config.get(prefix + "CLIENT_ID"),
            "client_secret": config.get(prefix + "CLIENT_SECRET"),
        }
        missing = [prefix + key.upper() for key, value in values.items() if not value]
        if missing:
            raise RuntimeError(f"OpenID provider {name!r} needs {', '.join(missing)}")
        label = config.get(prefix + "LABEL") or defaults.get("label") or name.capitalize()
        providers[name] = Provider(name=name, label=label, **values)
    return providers


def init_app(app: Flask) -> bool:
    """Read the providers and register an Authlib client for each; return whether any exist.

    Each app gets its own Authlib registry, so the discovery document and keys it caches
    belong to that app's configuration.
    """
    providers = from_config(app.config)
    if not providers:
        return False
    # Authlib and requests cost each worker about 12 MiB: an app without providers never
    # loads them.
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": 10},
        )
    app.extensions[_EXTENSION] = (providers, oauth)
    # The provider buttons' posts end in a redirect to the provider's sign-in page, which the
    # CSP's form-action must allow. Providers serve it from the issuer's origin.
    app.config["CSP_FORM_ACTION_ORIGINS"] = sorted({_origin(p.issuer) for p in providers.values()})
    return True


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def configured() -> list[Provider]:
    """Return the configured providers, in the order ``OIDC_PROVIDERS`` names them."""
    providers, _ = current_app.extensions.get(_EXTENSION, ({}, None))
    return list(providers.values())


def get(name: str) -> Provider | None:
    """Return the provider called ``name``, or None."""
    providers, _ = current_app.extensions.get(_EXTENSION, ({}, None))
    return providers.get(name)


def label_of(name: str) -> str:
    """Return the button text of provider ``name``, or the name once it is not configured."""
    provider = get(name)
    return provider.label if provider else name


def client(name: str):
    """Return the Authlib client of the configured provider ``name``."""
    _, oauth = current_app.extensions[_EXTENSION]
    return oauth.create_client(name)


def issuer_is_valid(metadata_issuer: str, claims) -> bool:
    """Return whether the ID token's ``iss`` is the one this provider may issue.

    Most providers have one issuer, named in their discovery document. Microsoft's
    multi-tenant endpoint (``/common``, ``/organizations``) publishes
    ``https://login.microsoftonline.com/{tenantid}/v2.0`` instead: each token is issued by
    the user's own tenant, so the expected issuer is that template filled in with the
    token's ``tid`` claim, which must be a tenant id (a GUID) and nothing else.
    """
    iss = claims.get("iss")
    if TENANT_PLACEHOLDER not in metadata_issuer:
        return iss == metadata_issuer
    tenant = claims.get("tid")
    if not isinstance(tenant, str) or not TENANT_ID.fullmatch(tenant):
        return False
    return iss == metadata_issuer.replace(TENANT_PLACEHOLDER, tenant)
