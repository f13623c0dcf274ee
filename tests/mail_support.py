"""A real SMTP server in-process (aiosmtpd) and a mailbox to read what it received.

``tests/conftest.py`` starts one server for the run and points every test app at it, so mail
goes over a real SMTP conversation. Use the ``mailbox`` fixture in a test::

    def test_sign_up_sends_a_link(client, mailbox):
        client.post("/sign-up", {...})
        message = mailbox.only(to="ada@example.com")
        assert message.subject == "Verify your email address"
        path = message.link_path()          # the link's path, to follow with the test client

``mailbox.refuse = True`` makes the server answer 554 to every message; ``smtp_down`` (a
fixture) points the app at a port where nothing listens.
"""

import email
import re
import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from myapp.mail import BACKGROUND_THREAD_PREFIX

#: How long a test waits for a message sent from a background thread.
WAIT_SECONDS = 5.0
_LINK = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Received:
    """One message as the SMTP server received it."""

    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str

    def links(self) -> list[str]:
        """Return every absolute link in the plain-text part, in order."""
        return _LINK.findall(self.text)

    def link(self) -> str:
        """Return the first link of the plain-text part."""
        return self.links()[0]

    def link_path(self) -> str:
        """Return the path of the first link, to request with the test client."""
        return urlsplit(self.link()).path


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, or refuses them all."""

    def __init__(self) -> None:
        self._messages: list[Received] = []
        self._lock = threading.Lock()
        self.refuse = False

    async def handle_DATA(self, server, smtp_session, envelope):
        if self.refuse:
            return "554 5.7.1 Message refused"
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        received = Received(
            sender=envelope.mail_from,
            to=tuple(envelope.rcpt_tos),
            subject=str(parsed["Subject"]),
            text=text.get_content() if text else "",
            html=html.get_content() if html else "",
        )
        with self._lock:
            self._messages.append(received)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
        self.refuse = False

    def to(self, address: str) -> list[Received]:
        """Return the messages sent to ``address``."""
        return [m for m in self.messages if address in m.to]

    def wait(self, count: int = 1, to: str | None = None) -> list[Received]:
        """Wait until ``count`` messages (to ``to``, if given) arrived; return them."""

        def found() -> list[Received]:
            return self.to(to) if to else self.messages

        wait_until(lambda: len(found()) >= count)
        return found()

    def only(self, to: str | None = None) -> Received:
        """Wait for exactly one message (to ``to``, if given) and return it."""
        found = self.wait(1, to)
        assert len(found) == 1, f"expected one message, got {[m.subject for m in found]}"
        return found[0]


def wait_until(condition) -> bool:
    """Poll ``condition`` until it holds or ``WAIT_SECONDS`` pass; return its last value.

    For what a background thread does (a message sent after the response, its log line).
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def join_background_work() -> None:
    """Wait for the app's background threads (``myapp.mail.in_background``) to finish."""
    for thread in threading.enumerate():
        if thread.name.startswith(BACKGROUND_THREAD_PREFIX):
            thread.join(WAIT_SECONDS)


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1, in a thread of its own."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname=self.host, port=self.port)

    def start(self) -> "SMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def settings(self) -> dict:
        """Return the app settings that send mail to this server."""
        return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": self.host, "MAIL_PORT": self.port}
