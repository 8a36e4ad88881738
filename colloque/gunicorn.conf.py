"""gunicorn configuration: `gunicorn -c colloque/gunicorn.conf.py colloque.wsgi`."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# One worker process per core, four threads each (gthread), with keep-alive. Requests here
# use the CPU, not the network, and every seat decision of an event goes through one row
# lock: the usual 2 x cores + 1 processes only compete for the cores and wait for the lock
# (`make bench`: 150-208 submissions/s with 2 processes on 2 cores against 120/s with 5).
# Threads rather than sync workers since the public pages are cached (issue 13): a cached
# page costs well under a millisecond of CPU, so opening a TCP connection per request (sync
# workers cannot keep one open) and queueing 64 clients behind 2 processes cost more than the
# page. bench/public_pages.py, /programme/ at 64 clients on 2 cores, 27 November 2026, pages
# answered from the cache by colloque/wsgi.py, no access log; workers x threads, 8 s runs:
#   2 x 4: 2,801-3,298/s, p99 44-65 ms, 0.44-0.52 ms CPU a page
#   2 x 2: 2,798-3,067/s, p99 49-62 ms, 0.47-0.50
#   3 x 4: 3,273-3,661/s, p99 55-79 ms, 0.41-0.45 (a third process also competes for the
#          event lock during a registration rush: see above)
#   2 x 1 (sync workers, a connection per request): 1,546/s, p99 68 ms, 0.55
# A thread waiting for the event lock or PostgreSQL leaves the core to the others.
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
# No access log by default (gunicorn's own default): the front proxy or the PaaS router
# already logs every request, a log line per request holds the visitor's IP address (personal
# data, RGPD: not kept twice without need), and writing it cost 0.4 ms of the 1.1 ms CPU of a
# cached page (same bench: 1,320-1,458/s with it, 1,994-2,297/s without). GUNICORN_ACCESS_LOG=-
# writes it to the standard output, with e-mail addresses and private links redacted.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
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
