"""Send mail through Flask-Mailman, and build the absolute links that mail carries.

Every message has a plain-text part and an HTML part, rendered from
``templates/email/<name>.txt`` and ``templates/email/<name>.html`` with the same context.
Send one with::

    send_email(user.email, "Verify your email address", "verify_email", link=link)

Links in mail come from ``public_url(endpoint, **values)``: built on ``PUBLIC_URL`` from the URL
map, never from the request's Host header, so a forged ``Host:`` cannot put an attacker's site
into a password-reset link.

A mail server that is down or refuses a message must never turn the user's action into a 500:
``send_email`` logs the failure and returns False, and each feature offers a way to ask again.
Commit what the link points to (a token row) *before* sending, so a sent link always works.
"""

import os
import smtplib
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_mailman import EmailMultiAlternatives

from myapp.extensions import mailman

#: The origin used for links in debug and testing when ``PUBLIC_URL`` is unset: what
#: ``make run`` serves.
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"

#: What a failed send can raise: the server refused (SMTPException) or could not be reached
#: (OSError covers refused connections, timeouts and unwritable ``file`` backend folders), or
#: the mail library could not put a valid but unusual address into a header (ValueError: a long
#: non-ASCII local part folds across lines, which ``email.headerregistry`` refuses).
SEND_ERRORS = (smtplib.SMTPException, OSError, ValueError)


def init_app(app: Flask) -> None:
    """Check ``PUBLIC_URL``, fill in the mail defaults, and bind Flask-Mailman to ``app``.

    :raise RuntimeError: ``PUBLIC_URL`` is missing outside debug and testing, or is not an
        ``http(s)://host[:port]`` origin.
    """
    app.config["PUBLIC_URL"] = _checked_public_url(app)
    if not app.config.get("MAIL_BACKEND"):
        # `make run` (debug) needs no mail server: messages land in files a developer can read.
        app.config["MAIL_BACKEND"] = "file" if app.debug else "smtp"
    if not app.config.get("MAIL_FILE_PATH"):
        app.config["MAIL_FILE_PATH"] = os.path.join(app.instance_path, "mail")
    mailman.init_app(app)


def _checked_public_url(app: Flask) -> str:
    value = app.config.get("PUBLIC_URL")
    if not value:
        if app.debug or app.testing:
            return DEVELOPMENT_PUBLIC_URL
        raise RuntimeError(
            "PUBLIC_URL is not set. Set it to the address people use to reach the app, "
            "e.g. PUBLIC_URL=https://app.example.com: links in mail are built from it."
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        raise RuntimeError(
            f"PUBLIC_URL must be an origin such as https://app.example.com, not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def public_url(endpoint: str, **values) -> str:
    """Return the absolute URL of ``endpoint`` on ``PUBLIC_URL``, for links in mail.

    Built from the URL map alone, so it needs no request (and reads nothing of one): it works
    the same in a view, a background thread or a CLI command.
    """
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


#: Threads started by ``in_background`` carry this name prefix (tests wait for them).
BACKGROUND_THREAD_PREFIX = "myapp-background"


def in_background(job: Callable[..., object], *args) -> None:
    """Run ``job(*args)`` after this request, in a thread with its own app context.

    For work whose duration must not show in the response time (see ``send_email``). What
    ``job`` raises is logged, never lost silently; its database session is its own.
    """
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                job(*args)
            except Exception:
                app.logger.exception("Background job %r failed", getattr(job, "__name__", job))

    name = f"{BACKGROUND_THREAD_PREFIX}-{getattr(job, '__name__', 'job')}"
    threading.Thread(target=run, name=name).start()


def send_email(
    to: str, subject: str, template_name: str, *, background: bool = False, **context
) -> bool:
    """Render ``templates/email/<template_name>.txt`` and ``.html`` and send them to ``to``.

    Return whether the server took the message; a failure is logged, never raised. With
    ``background=True`` the message is rendered now and sent from a thread (``in_background``)
    and the return value is True: the response then does not wait for the mail server.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_template(f"email/{template_name}.txt", **context),
        to=[to],
    )
    message.attach_alternative(
        render_template(f"email/{template_name}.html", subject=subject, **context), "text/html"
    )
    if not background:
        return _send(message, template_name)
    in_background(_send, message, template_name)
    return True


def _send(message: EmailMultiAlternatives, template_name: str) -> bool:
    try:
        # The connection is closed on every path: the backend alone leaves the socket open
        # when the server refuses a message.
        with mailman.get_connection() as connection:
            connection.send_messages([message])
    except SEND_ERRORS:
        # The recipient is left out of the log: an address is personal data.
        current_app.logger.exception("Could not send the %r email", template_name)
        return False
    return True
