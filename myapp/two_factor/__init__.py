"""Second factors: TOTP with recovery codes, WebAuthn passkeys, and the pending sign-in step."""
