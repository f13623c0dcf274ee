"""The security settings page: sessions, revocation, password change, activity."""
