"""Deployment configuration (nginx, PgBouncer, gunicorn) and a script that runs it locally."""
