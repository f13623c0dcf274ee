"""Refuse request bodies that are not valid UTF-8 before anything reads them.

werkzeug parses forms leniently: an undecodable body becomes an empty form, and a
percent-escape of invalid UTF-8 (``%FF``) is kept as the literal text ``%FF``. Either way the
user's input would be silently changed, so such a request gets a 400 that says why.
"""

from urllib.parse import unquote_to_bytes

from flask import abort, request

NOT_UTF8 = "The form data is not valid UTF-8. Check what you typed and try again."


def reject_undecodable_form() -> None:
    """Abort with 400 when a URL-encoded body does not decode as UTF-8 (a before-request hook)."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    # Cached, so the form parser reads the same bytes afterwards; MAX_CONTENT_LENGTH applies.
    raw = request.get_data(cache=True)
    try:
        for pair in raw.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, NOT_UTF8)
