"""Organizations, memberships and roles, and ``get_auth_organization_context()``."""
