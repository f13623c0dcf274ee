"""Contact pages (being written)."""
from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/organizations/<slug>/contacts")
