"""The "this wasn't me" report page, and the new sign-in alerts setting on the security page.

The report link works without signing in and shows only the sign-in in question (device, IP,
time). Opening it changes nothing (mail scanners prefetch links); its one button does.
"""

from flask import Blueprint, render_template, request, url_for

from myapp import htmx
from myapp.actions import respond
from myapp.known_devices import actions, data

bp = Blueprint("known_devices", __name__)


def _link_invalid():
    """Answer a report link that cannot be used: 404, whatever the reason."""
    return htmx.render("known_devices/link_invalid.html", status=404)


@bp.route("/sessions/report/<token>", methods=["GET", "POST"])
def report(token: str):
    """Show the reported sign-in and the button that ends it; on POST end that session.

    :raise 404: the link is used, expired or unknown; nothing changes.
    """
    if request.method == "POST":
        result = actions.report_sign_in(request.form, token=token)
        if result.status == 404:
            return _link_invalid()
        message = None
        if result.ok:
            message = (
                "That session has been ended."
                if result.data.session_ended
                else "That session had already ended."
            )
        return respond(result, success_url=url_for(".reported"), flash_message=message)
    sign_in = data.find_report(token)
    if sign_in is None:
        return _link_invalid()
    return htmx.render("known_devices/report.html", sign_in=sign_in, token=token)


@bp.get("/sessions/reported")
def reported():
    """Say what a report did and offer the next steps: reset the password, end all sessions."""
    return htmx.render("known_devices/reported.html")


@bp.post("/settings/security/sign-in-alerts")
def update_alerts():
    """Turn new sign-in alerts on or off; a real swap gets the setting's section alone."""
    result = actions.set_sign_in_alerts(request.form)
    message = None
    if result.ok:
        message = "Sign-in alerts are on." if result.data else "Sign-in alerts are off."
    return respond(
        result,
        success_url=url_for("security.index"),
        flash_message=message,
        render_swap=lambda r: render_template(
            "known_devices/_alerts.html", sign_in_alerts=r.data, alerts_message=message
        ),
    )
