"""The WSGI entry point that flask, gunicorn and Flask-Migrate load: ``app:app``."""

from myapp import create_app

app = create_app()
