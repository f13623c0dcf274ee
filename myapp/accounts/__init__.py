"""Accounts people can recover: email verification, password reset, name and email changes."""
