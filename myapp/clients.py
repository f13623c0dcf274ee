"""Every action client the app uses, and their middleware, on one screen.

myapp's counterpart of next-safe-action's ``lib/safe-action.ts``. Each client is derived from
the one above it with ``.use()``, which returns a new client, so adding a requirement never
changes a client another feature already uses. Features import their client from here and
never from each other.

======================================  ========================================================
client                                  ``ctx`` holds, and who may run its actions
======================================  ========================================================
``action_client``                       nothing; anyone (sign-in, sign-up)
``auth_action_client``                  ``session``; a signed-in user
``sudo_action_client``                  ``session``; a user who confirmed the password lately
``auth_organization_action_client``     ``session``, ``organization``, ``membership``; members
``admin_action_client``                 the same; the organization's admins
``sudo_admin_action_client``            the same; admins who confirmed the password lately
``sudo_owner_action_client``             the same; owners who confirmed the password lately
======================================  ========================================================
"""

from myapp.actions import ActionClient, ActionResult, ForbiddenError
from myapp.auth.sudo import require_sudo
from myapp.organizations.context import get_auth_organization_context
from myapp.sessions import get_auth_context


def require_auth(*, ctx, metadata, client_input, next) -> ActionResult:
    """Add the sign-in session as ``ctx.session``; redirect to sign-in without one."""
    auth_context = get_auth_context()  # raises an HTTPException redirect when signed out
    return next(ctx={"session": auth_context.session})


def require_organization(*, ctx, metadata, client_input, next) -> ActionResult:
    """Add ``ctx.organization`` and ``ctx.membership``; 404 for anyone not a member.

    ``.metadata(second_factor_optional=True)`` lets a member whom the organization's
    two-factor rule locks out run the action anyway: only leaving needs that.
    """
    org_context = get_auth_organization_context(  # raises 404 for non-members
        second_factor_optional=metadata.get("second_factor_optional", False)
    )
    return next(
        ctx={"organization": org_context.organization, "membership": org_context.membership}
    )


def require_admin(*, ctx, metadata, client_input, next) -> ActionResult:
    """Stop the action with 403 unless the caller is an admin of the organization.

    ``.metadata(forbidden_message=...)`` words the refusal for the action at hand.
    """
    if not ctx.membership.is_admin:
        raise ForbiddenError(metadata.get("forbidden_message", "Only admins can do that."))
    return next()


def require_owner(*, ctx, metadata, client_input, next) -> ActionResult:
    """Stop the action with 403 unless the caller is an owner of the organization."""
    if not ctx.membership.is_owner:
        raise ForbiddenError(metadata.get("forbidden_message", "Only owners can do that."))
    return next()


#: The base client: no middleware. For actions anyone may run, such as sign-in and sign-up.
action_client = ActionClient()

#: For actions that need a signed-in user: ``ctx.session``.
auth_action_client = action_client.use(require_auth)

#: Signed-in actions that need a recently confirmed password ("sudo mode"), so that a stolen
#: session cannot lock the owner out or take over the account.
sudo_action_client = auth_action_client.use(require_sudo)

#: For actions inside an organization: ``ctx.session``, ``ctx.organization``, ``ctx.membership``.
auth_organization_action_client = auth_action_client.use(require_organization)

#: For actions only an organization's admins may run: ``ctx.membership.is_admin`` holds.
admin_action_client = auth_organization_action_client.use(require_admin)

#: Admin actions that change who holds power need a recently confirmed password too; the
#: role check comes first, so a member gets 403 rather than a password prompt.
sudo_admin_action_client = admin_action_client.use(require_sudo)

#: Owner actions that end or hand over the organization (delete it, transfer ownership):
#: owners only, with a recently confirmed password; the role check comes first.
sudo_owner_action_client = auth_organization_action_client.use(require_owner).use(require_sudo)
