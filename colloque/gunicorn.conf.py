"""gunicorn configuration: `gunicorn -c colloque/gunicorn.conf.py colloque.wsgi`."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# One worker process per core, four threads each (gthread), with keep-alive. Requests here
# use the CPU, not the network, and every seat decision of an event goes through one row
# lock: the usual 2 x cores + 1 processes only compete for the cores and wait for the lock
# (`make bench`: 150-208 submissions/s with 2 processes on 2 cores against 120/s with 5).
# Threads rather than sync workers since the public pages are cached (issue 13): a cached
# page costs under a millisecond of CPU, so opening a TCP connection per request (sync
# workers cannot keep one open) and queueing 64 clients behind 2 processes cost more than the
# page. bench/public_pages.py, 64 clients, 2 cores (busy with other work, load average 5-8),
# two alternated runs each: 2 sync workers 206-584 pages/s, p99 160-640 ms, 1.0-1.45 ms CPU
# per page; 2 workers x 4 threads 1051-1732 pages/s, p99 140-205 ms, 0.9-1.16 ms CPU. A
# thread waiting for the event lock or PostgreSQL leaves the core to the others.
# Slow clients are still the proxy's job (behind a buffering reverse proxy or a PaaS router).
workers = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are forked from a master that has loaded Django: a recycled worker starts at once.
# New code needs a restart of the process (a HUP reloads the workers from the old code).
preload_app = True
# A fresh worker now and then bounds a slow leak; at 1,000 cached pages a second, 10,000
# requests recycled each worker every 20 s (an empty cache and a reconnection each time).
max_requests = 200000
max_requests_jitter = 20000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """No private-link token and no e-mail address in gunicorn's own logs (RGPD): the access
    log's request line and referer carry the paths of private pages."""
    import logging

    from colloque.logfilters import RedactEmails, RedactPrivateLinks

    for name in ("gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPrivateLinks) for f in logger.filters):
            logger.addFilter(RedactEmails())
            logger.addFilter(RedactPrivateLinks())
