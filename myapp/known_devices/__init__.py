"""Known devices: the browsers a user signs in from, new sign-in alerts, "this wasn't me".

Every browser gets a long-lived, HttpOnly device cookie holding a random id; each user keeps
the SHA-256 of the ids of the browsers they signed in from, as known devices. A sign-in from a
browser that is not yet one of the user's known devices mails the user (unless they turned
alerts off), with a link that ends exactly that session: the "this wasn't me" report.
"""
