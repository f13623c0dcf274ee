"""Sign in with Google, Microsoft or any OpenID Connect provider, and connected accounts."""
