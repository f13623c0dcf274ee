"""Accounts: sign-up, sign-in, sign-out, passwords, and the redirect to ``/sign-in``."""
