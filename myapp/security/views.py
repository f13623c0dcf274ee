"""Security settings pages (being written)."""
from flask import Blueprint

bp = Blueprint("security", __name__, url_prefix="/settings/security")
