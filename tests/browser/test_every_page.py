"""Every page of the app in real Chromium, light and dark, 1280 and 390 px wide: no axe-core
violation (WCAG 2.1 A and AA, and best practice), no sideways scroll, no Content-Security-Policy
violation or script error; and a full-page screenshot of each in
``test-artifacts/screenshots/every-page/``.

The pages are listed in ``tests/every_page.py`` (``tests/test_every_page_coverage.py`` keeps
that list complete). axe-core comes from ``tests/axe`` (npm, pinned by its lock file) and is
injected with ``page.evaluate``, which Chromium runs outside the page's CSP: the app is scanned
with its production headers untouched. The one test visits everything and then fails once with
a table of every problem, so one run shows the whole state of the app.
"""

import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from myapp.accounts import emails
from myapp.extensions import db
from myapp.organizations.models import ROLE_ADMIN
from myapp.passkeys.models import Passkey
from myapp.tokens import issue_token
from tests import factories
from tests.browser.pages import ONCE_ON_SQLITE
from tests.every_page import (
    ADMIN,
    INVITEE,
    MEMBER,
    OWNER,
    PAGES,
    PENDING_SECOND_FACTOR,
    PROVIDER_ACCOUNT_EXISTS,
    TWO_FACTOR,
    Page,
)
from tests.oidc_support import through_provider
from tests.org_factories import add_member, make_contact, make_invitation, make_organization
from tests.support import CHROME_MACOS, Browser
from tests.two_factor_factories import enable_totp
from tests.webauthn_authenticator import SoftAuthenticator

pytestmark = [
    pytest.mark.browser,
    pytest.mark.oidc,
    ONCE_ON_SQLITE,
]

PlaywrightTimeoutError = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).TimeoutError

AXE_SOURCE = (
    Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
#: What "WCAG 2.1 AA and best practice" means to axe-core.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MODES = ("light", "dark")
#: Width and height of a desktop window and of a phone. Not Playwright's ``is_mobile``: a
#: mobile viewport widens itself to fit content that overflows, which would hide the overflow.
VIEWPORTS = ((1280, 800), (390, 844))

#: Added to every page before its own scripts run (over CDP, so the CSP does not apply to it):
#: it logs each CSP violation to the console, and leaves a mark that proves it ran.
WATCH_PAGE = """
window.everyPageWatch = true;
document.addEventListener("securitypolicyviolation", (event) => {
  console.log("CSP violation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline code") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.flatMap((rule) => rule.nodes.map((node) => ({
    rule: rule.id, impact: rule.impact || "", target: node.target.join(" "),
  })));
}"""
#: The fields a failed submit leaves empty (some come filled in, like the account's name).
TYPED_FIELDS = "input:not([type=hidden], [type=checkbox], [type=radio]), textarea"
#: What a form shows after a failed submit (templates/_forms.html).
SHOWS_ERRORS = '[aria-invalid="true"], .form-errors'
#: How much wider than the window the page is, and the outermost elements that stick out.
MEASURE_WIDTH = """() => {
  const width = window.innerWidth;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5);
  const name = (element) => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "")
    + [...element.classList].map((token) => "." + token).join("");
  return {
    overflow: document.documentElement.scrollWidth - width,
    culprits: wide.filter((element) => !wide.includes(element.parentElement)).map(name),
  };
}"""
#: axe-core only asks for a review when ``aria-describedby`` names an element that is not
#: there (an error list shown only after an error): report each such reference.
MISSING_REFERENCES = """() => {
  const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
  return [...document.querySelectorAll(attributes.map((name) => "[" + name + "]").join(","))]
    .flatMap((element) => attributes.flatMap((name) =>
      (element.getAttribute(name) || "").split(/\\s+/)
        .filter((id) => id && !document.getElementById(id))
        .map((id) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
          + " " + name + "=" + id)));
}"""


@cache
def axe_source() -> str:
    return AXE_SOURCE.read_text()


@dataclass(frozen=True, order=True)
class Problem:
    page: str
    mode: str
    width: int
    rule: str
    impact: str
    target: str


@dataclass
class World:
    """What the pages show, and a signed-in test client per person whose cookies a tab copies."""

    values: dict[str, str]
    browsers: dict[str, Browser]


def seed_world(app) -> World:
    """Acme with an owner, an admin, a member, contacts and an invitation; Globex; every link."""
    owner = factories.make_user(app, "Ada Lovelace", "ada@example.com", verified=True)
    admin = factories.make_user(app, "Alan Turing", "alan@example.com", verified=True)
    member = factories.make_user(app, "Mary Somerville", "mary@example.com")
    two_factor = factories.make_user(app, "Grace Hopper", "grace@example.com", verified=True)
    invitee = factories.make_user(app, "Nia Okafor", "nia@example.com", verified=True)
    acme = make_organization(app, owner, name="Acme", slug="acme")
    globex = make_organization(app, two_factor, name="Globex Corporation", slug="globex")
    add_member(app, acme, admin, role=ROLE_ADMIN)
    membership = add_member(app, acme, member)
    add_member(app, globex, owner)
    contact = make_contact(
        app,
        acme,
        name="Charles Babbage",
        email="charles.babbage@analytical-engines.example.com",
        phone="+44 20 7946 0958",
        notes="Met at the Royal Society. Prefers letters to telegrams.",
    )
    make_contact(app, acme, name="Émilie du Châtelet", email="emilie@example.org")
    pending, invitation = make_invitation(app, acme, owner, email=invitee.email)
    make_invitation(app, acme, owner, email="someone.with.a.long.address@example.net", role="admin")
    factories.make_identity(app, owner)  # the security page lists it; sudo offers it

    browsers = {role: Browser(app) for role in (OWNER, ADMIN, MEMBER, TWO_FACTOR, INVITEE)}
    owner_session = browsers[OWNER].sign_in_as(owner)
    # A second device of the owner's, for "log out this device?" and "all others?".
    other_session = Browser(app).sign_in_as(owner, user_agent=CHROME_MACOS)
    for role, user in ((ADMIN, admin), (MEMBER, member), (INVITEE, invitee)):
        browsers[role].sign_in_as(user)
    # The owner has started the authenticator app's setup: the page shows the QR code.
    assert browsers[OWNER].post("/settings/security/two-factor/setup").status_code == 303
    browsers[TWO_FACTOR].sign_in_as(two_factor)
    options = browsers[TWO_FACTOR].post("/settings/security/passkeys/options").json
    credential = SoftAuthenticator(app.config["PUBLIC_URL"]).register(options)
    added = browsers[TWO_FACTOR].post(
        "/settings/security/passkeys", {"name": "Work laptop", "credential": credential}
    )
    assert added.status_code == 303
    enable_totp(app, two_factor)
    browsers[PENDING_SECOND_FACTOR] = Browser(app)
    assert browsers[PENDING_SECOND_FACTOR].sign_in(two_factor.email).headers["Location"] == (
        "/sign-in/two-factor"
    )

    with app.app_context():
        links = {
            "verify": issue_token(
                emails.VERIFY_EMAIL, user_id=member.id, email=member.email, max_age=3600
            ),
            "reset": issue_token(emails.RESET_PASSWORD, user_id=admin.id, max_age=3600),
            "change_email": issue_token(
                emails.CHANGE_EMAIL, user_id=owner.id, email="ada@analytical.example", max_age=3600
            ),
        }
        db.session.commit()
    values = {
        **links,
        "contact": str(contact.id),
        "invitation": invitation,
        "invitation_id": str(pending.id),
        "membership": str(membership.id),
        "other_session": other_session.public_id,
        "passkey": passkey_public_id(app, two_factor),
        "report": factories.make_sign_in_report(app, owner_session),
    }
    return World(values=values, browsers=browsers)


def passkey_public_id(app, user) -> str:
    with app.app_context():
        return db.session.scalar(select(Passkey.public_id).where(Passkey.user_id == user.id))


def back_from_provider(app, email: str) -> tuple[Browser, str]:
    """Sign in at the provider as an address that already has an account here.

    Return the browser that pressed the button and the callback's query, not opened yet (a
    provider's answer works once: each tab needs its own).
    """
    client = Browser(app)
    callback = through_provider(client, email)
    return client, callback.split("?", 1)[1]


@dataclass
class Tab:
    """One Chromium tab in one colour scheme and width, and what its pages said on the console."""

    page: object
    base: str
    mode: str
    width: int
    screenshots: Path
    messages: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser, base: str, mode: str, viewport: tuple[int, int], screenshots: Path):
        width, height = viewport
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=mode
        )
        context.add_init_script(WATCH_PAGE)
        tab = cls(context.new_page(), base, mode, width, screenshots)
        tab.page.on("console", tab.on_console)
        tab.page.on("pageerror", lambda error: tab.messages.append(f"page error: {error}"))
        return tab

    def on_console(self, message) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            self.messages.append(message.text)

    def sign_in_as(self, client: Browser | None) -> None:
        """Give the tab ``client``'s cookies (its session), or none at all."""
        context = self.page.context
        context.clear_cookies()
        if client is not None:
            context.add_cookies(
                [
                    {"name": cookie.key, "value": cookie.value, "url": self.base}
                    for cookie in client.client._cookies.values()
                ]
            )

    def scan(self, target: Page, values: dict) -> list[Problem]:
        """Open ``target`` and return its problems; save its screenshot."""
        problems = []

        def problem(rule: str, impact: str = "", where: str = "") -> None:
            problems.append(Problem(target.name, self.mode, self.width, rule, impact, where))

        page, path = self.page, target.path.format(**values)
        self.messages.clear()
        response = page.goto(self.base + path)
        if response.status != target.status:
            problem("http-status", where=f"{response.status}, expected {target.status}")
        landed = page.url.removeprefix(self.base).split("?")[0]
        if landed != (target.lands_on or path.split("?")[0]):
            problem("landed-elsewhere", where=landed)
        if target.submit:
            button = page.get_by_role("button", name=target.submit, exact=True)
            for field in page.locator("form", has=button).locator(TYPED_FIELDS).all():
                field.fill("")
            button.click()
            try:
                page.wait_for_selector(SHOWS_ERRORS, timeout=5_000)
            except PlaywrightTimeoutError:
                problem(
                    "no-error-shown", where=f"after pressing {target.submit!r} on an empty form"
                )
        page.evaluate(axe_source())
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            problem(violation["rule"], violation["impact"], violation["target"])
        for reference in page.evaluate(MISSING_REFERENCES):
            problem("aria-reference-missing", where=reference)
        width = page.evaluate(MEASURE_WIDTH)
        if width["overflow"] > 0:
            culprits = ", ".join(width["culprits"][:3])
            problem("horizontal-overflow", where=f"{width['overflow']}px wider: {culprits}")
        if not page.evaluate("window.everyPageWatch === true"):
            problem("csp-watcher-missing", where="the init script did not run")
        # Last before reading the console, so every message of the page has arrived.
        name = f"{target.name}-{self.mode}-{self.width}.png"
        page.screenshot(path=self.screenshots / name, full_page=True)
        # The page's own report, else Chromium's console line: one row per violation, not two.
        reported = [m for m in self.messages if m.startswith("CSP violation")]
        for message in reported or [m for m in self.messages if "Content Security Policy" in m]:
            problem("csp-violation", where=message)
        for message in self.messages:
            if message.startswith("page error"):
                problem("script-error", where=message)
        return problems

    def close(self) -> None:
        self.page.context.close()


def report(problems: list[Problem], seconds: float) -> str:
    """One readable failure: which rule broke on which pages, then every problem, one row for
    each page, rule and element with the colour schemes and widths it was seen in."""
    by_rule = defaultdict(set)
    seen_in = defaultdict(list)
    for found in sorted(problems):
        by_rule[found.rule].add(found.page)
        seen_in[found.page, found.rule, found.impact, found.target].append(
            f"{found.mode} {found.width}"
        )
    pages = len({found.page for found in problems})
    lines = [f"{len(problems)} problems on {pages} pages ({seconds:.0f}s)"]
    lines += [f"  {rule}: {', '.join(sorted(names))}" for rule, names in sorted(by_rule.items())]
    every_tab = len(MODES) * len(VIEWPORTS)
    rows = [("page", "seen in", "rule", "impact", "target")] + [
        (page, "all" if len(tabs) == every_tab else ", ".join(tabs), rule, impact, target)
        for (page, rule, impact, target), tabs in seen_in.items()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines.append("")
    for row in rows:
        padded = [cell.ljust(size) for cell, size in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*padded, row[4]]))
    return "\n".join(lines)


def test_every_page_passes_axe_without_overflow_or_csp_violations(
    app, browser, live_server, screenshots_dir
):
    if not AXE_SOURCE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` in tests/axe (`make test` does)")
    started = time.monotonic()
    world = seed_world(app)
    screenshots = screenshots_dir / "every-page"
    # Only this run's pages: none left over from a page since renamed.
    shutil.rmtree(screenshots, ignore_errors=True)
    screenshots.mkdir()
    by_role = defaultdict(list)
    for target in PAGES:
        by_role[target.role].append(target)

    problems: list[Problem] = []
    for mode in MODES:
        for viewport in VIEWPORTS:
            tab = Tab.open(browser, live_server, mode, viewport, screenshots)
            try:
                for role, targets in by_role.items():
                    values = dict(world.values)
                    if role == PROVIDER_ACCOUNT_EXISTS:
                        client, values["provider_answer"] = back_from_provider(
                            app, "alan@example.com"
                        )
                    else:
                        client = world.browsers.get(role)
                    tab.sign_in_as(client)
                    for target in targets:
                        problems += tab.scan(target, values)
            finally:
                tab.close()

    seconds = time.monotonic() - started
    print(f"every page: {len(PAGES)} pages x {len(MODES) * len(VIEWPORTS)} in {seconds:.0f}s")
    if problems:
        pytest.fail(report(problems, seconds), pytrace=False)
