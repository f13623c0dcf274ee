"""Accounts people can recover and close: email verification, password reset, name and email
changes, and deleting the account."""
