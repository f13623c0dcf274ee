"""Hand data functions and actions the organization in the URL, for its members only.

``get_auth_organization_context()`` reads ``<slug>`` from the matched route, checks the
membership in the database on every request (so a promotion or a removal applies on the
member's very next request) and returns plain frozen objects, as ``auth()`` does: one Core
statement joins the organization to the signed-in user's membership, and nothing can lazy-load
or expire after an action commits.
"""

import re
from dataclasses import dataclass

from flask import abort, g, request
from sqlalchemy import bindparam, select

from myapp.extensions import db
from myapp.organizations.models import ROLE_ADMIN, SLUG_MAX_LENGTH, Membership, Organization
from myapp.sessions import AuthSession, get_auth_context
from myapp.two_factor.factors import has_second_factor_clause

#: What a slug can look like; anything else is a 404 without a query.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_organizations = Organization.__table__
_memberships = Membership.__table__

_LOOKUP = (
    select(
        _organizations.c.id,
        _organizations.c.slug,
        _organizations.c.name,
        _memberships.c.id.label("membership_id"),
        _memberships.c.role,
        _memberships.c.is_owner,
        _organizations.c.require_two_factor,
        has_second_factor_clause(_memberships.c.user_id).label("has_second_factor"),
    )
    .join(_memberships, _memberships.c.organization_id == _organizations.c.id)
    .where(
        _organizations.c.slug == bindparam("slug"),
        _memberships.c.user_id == bindparam("user_id"),
    )
)


@dataclass(frozen=True, slots=True)
class AuthOrganization:
    """The organization named in the URL: what ``ctx.organization`` holds."""

    id: int
    slug: str
    name: str
    #: Members without a second factor are refused every page and action (see two_factor).
    require_two_factor: bool = False


@dataclass(frozen=True, slots=True)
class AuthMembership:
    """The signed-in user's membership in it: what ``ctx.membership`` holds."""

    id: int
    role: str
    is_owner: bool

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


@dataclass(frozen=True, slots=True)
class AuthOrganizationContext:
    """The signed-in session plus the organization and the user's membership in it."""

    session: AuthSession
    organization: AuthOrganization
    membership: AuthMembership
    #: The organization requires two-factor and the signed-in user has no second factor.
    second_factor_missing: bool = False


_CACHE = "_auth_organization_context"


def get_auth_organization_context(
    *, second_factor_optional: bool = False
) -> AuthOrganizationContext:
    """Return the context of the organization in the URL, querying at most once per request.

    A signed-out request gets the sign-in redirect (from ``get_auth_context()``). An unknown
    slug and an organization the user is not a member of both abort with the same 404, so
    nobody can learn which organizations exist. A member without the second factor the
    organization requires gets its 403, unless ``second_factor_optional`` (leaving it).

    :raise RuntimeError: when the matched route has no ``<slug>``: a programming error.
    """
    auth_context = get_auth_context()
    slug = (request.view_args or {}).get("slug")
    if slug is None:
        raise RuntimeError(
            f"get_auth_organization_context() needs a route with <slug>, not {request.path!r}"
        )
    cache = g.setdefault(_CACHE, {})
    if slug not in cache:
        cache[slug] = _load(slug, auth_context.session)
    context = cache[slug]
    if context is None:
        abort(404)
    if context.second_factor_missing and not second_factor_optional:
        # Imported here: the policy's error page renders templates of the two_factor feature.
        from myapp.two_factor.policy import refuse_without_second_factor

        refuse_without_second_factor(context.organization)
    return context


def get_admin_organization_context(forbidden_message: str) -> AuthOrganizationContext:
    """Return ``get_auth_organization_context()`` when the user is an admin of it.

    For reads only admins may make; a member who is not an admin gets 403 with
    ``forbidden_message`` (a non-member still gets the 404).
    """
    context = get_auth_organization_context()
    if not context.membership.is_admin:
        abort(403, forbidden_message)
    return context


def _load(slug: str, auth_session: AuthSession) -> AuthOrganizationContext | None:
    if len(slug) > SLUG_MAX_LENGTH or SLUG_PATTERN.fullmatch(slug) is None:
        return None
    row = db.session.execute(_LOOKUP, {"slug": slug, "user_id": auth_session.user.id}).first()
    if row is None:
        return None
    return AuthOrganizationContext(
        session=auth_session,
        organization=AuthOrganization(
            id=row.id,
            slug=row.slug,
            name=row.name,
            require_two_factor=bool(row.require_two_factor),
        ),
        membership=AuthMembership(id=row.membership_id, role=row.role, is_owner=row.is_owner),
        second_factor_missing=bool(row.require_two_factor) and not row.has_second_factor,
    )
