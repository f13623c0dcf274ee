"""Organization pages."""
from flask import Blueprint

from myapp import htmx
from myapp.sessions import get_auth_context

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("")
def index():
    """List the signed-in user's organizations."""
    get_auth_context()
    return htmx.render("organizations/index.html")
