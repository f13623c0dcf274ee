"""Contacts: the example resource, with data functions and actions that check access."""
