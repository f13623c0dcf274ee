"""Passkeys: WebAuthn registration, passwordless sign-in, second factor and sudo mode."""
