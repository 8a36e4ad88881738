"""gunicorn configuration: `gunicorn -c colloque/gunicorn.conf.py colloque.wsgi`."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# One sync worker per core: requests here use the CPU, not the network, and every seat
# decision of an event goes through one row lock. The usual 2 x cores + 1 only adds processes
# competing for the cores and waiting for the lock: `make bench` measured 150-208 submissions/s
# with 2 workers on 2 cores against 120/s with 5. Slow clients are the proxy's job (sync
# workers belong behind a buffering reverse proxy or a PaaS router).
workers = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are forked from a master that has loaded Django: a recycled worker starts at once.
# New code needs a restart of the process (a HUP reloads the workers from the old code).
preload_app = True
max_requests = 10000
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
