"""Invitations: admins invite by email; the invitee joins by accepting from the mailed link."""
