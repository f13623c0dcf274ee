"""gunicorn settings for one myapp instance: ``gunicorn -c deploy/gunicorn.conf.py app:app``.

Run one instance per host (or two on one host, as the local stack does), each with its own
``GUNICORN_BIND`` and ``INSTANCE_NAME``, all behind nginx and all sharing one database.
"""

import os

#: Where this instance listens; nginx's upstream block lists every instance.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Sync workers: one request per process, no interpreter lock contention on database waits
#: (bench/README.md measured gthread against sync). Two per core is a good start.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
#: On SIGTERM (systemd stop, a deploy), stop accepting, let requests in flight finish for up
#: to this many seconds, then exit. Keep it above the slowest request.
graceful_timeout = 30
#: A worker silent for this long is killed and replaced.
timeout = 30
#: nginx buffers slow clients, so a sync worker is never held by one.
keepalive = 0
#: No runtime control socket: one fixed path would be shared by every instance on a host.
control_socket_disable = True
proc_name = "myapp-" + os.environ.get("INSTANCE_NAME", "app")
#: The app logs one line per request (LOG_FORMAT=json for JSON); gunicorn's own errors to stderr.
accesslog = None
errorlog = "-"
