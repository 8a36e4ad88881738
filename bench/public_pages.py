"""Public pages under load: many people opening `/` and `/programme/` at once.

`measure()` is the load generator `make bench` uses (bench/registration_rush.py): CLIENTS
connections on 127.0.0.1, each sending its next GET as soon as the last answer is read,
with HTTP/1.1 keep-alive when the server keeps the connection (a new connection otherwise,
counted in the latency), for a fixed time. asyncio and raw sockets rather than threads: on
2 cores the client must cost little next to the server it measures.

Run alone (`python bench/public_pages.py`), it compares gunicorn set-ups on a database of its
own (colloque_perf_pages, PostgreSQL, the demo colloquium): BENCH_PAGES_CONFIGS, e.g.
"2x1,1x4,2x4" (workers x threads), BENCH_PAGES_SECONDS (10 per page), BENCH_PAGES_CLIENTS
(64). Nothing leaves 127.0.0.1.
"""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIENTS = int(os.environ.get("BENCH_PAGES_CLIENTS", 64))
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", 10))
PAGES = ["/", "/programme/"]


async def _client(port: int, path: str, deadline: float, latencies: list, errors: list):
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    reader = writer = None
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in
                       (line.partition(b":") for line in head.split(b"\r\n")[1:] if line)}
            await reader.readexactly(int(headers.get(b"content-length", b"0")))
            if headers.get(b"connection", b"").lower() == b"close":
                writer.close()
                writer = None
            if status != 200:
                errors.append(f"HTTP {status}")
            else:
                latencies.append(time.perf_counter() - started)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def measure(port: int, path: str, *, clients: int = CLIENTS, seconds: float = SECONDS,
            server_cpu=lambda: 0.0) -> dict:
    """`clients` people loading `path` again and again for `seconds`: requests per second,
    p50 and p99 latency in ms, errors, the client's own CPU (share of a core) and the
    server's CPU per request in ms (`server_cpu()`: its CPU seconds so far), which other
    work on the machine does not change as much as it changes the rate."""

    async def run():
        latencies, errors = [], []
        warm_up = time.perf_counter() + 1
        await asyncio.gather(*(_client(port, path, warm_up, [], []) for _ in range(clients)))
        cpu, server, started = time.process_time(), server_cpu(), time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_client(port, path, deadline, latencies, errors)
                               for _ in range(clients)))
        elapsed = time.perf_counter() - started
        server = server_cpu() - server
        return {"path": path, "clients": clients, "requests": len(latencies),
                "server_ms": server * 1000 / max(len(latencies), 1),
                "rps": len(latencies) / elapsed, "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99), "errors": errors,
                "client_cpu": (time.process_time() - cpu) / elapsed}

    return asyncio.run(run())


def row(name: str, rps: float, p50: float, p99: float, errors: int, cpu: float | None) -> str:
    cpu_text = f"{cpu:>9.2f}" if cpu is not None else f"{'':>9}"
    return f"{name:<36} {rps:>8.0f} {p50:>8.1f} {p99:>8.1f} {errors:>7} {cpu_text}"


HEADER = (f"{'':<36} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'CPU ms':>9}")


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import registration_rush as rush

    rush.BENCH_DB = "colloque_perf_pages"
    configs = os.environ.get("BENCH_PAGES_CONFIGS", "2x1,2x4,1x8").split(",")
    port = rush.free_port()
    env = rush.environment(port)
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="colloque-perf-static-")
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(48)
    print(f"Preparing database {rush.BENCH_DB} …", flush=True)
    rush.prepare_database(env)
    print(HEADER)
    for config in configs:
        workers, threads = (int(n) for n in config.split("x"))
        server = subprocess.Popen(
            [rush.GUNICORN, "-c", "colloque/gunicorn.conf.py", "colloque.wsgi"], cwd=rush.ROOT,
            env={**env, "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)},
            stdout=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            rush.wait_until_up(port, server)
            for path in PAGES:
                result = measure(port, path, server_cpu=lambda pid=server.pid: rush.cpu_seconds(
                    rush.process_tree(pid)))
                print(row(f"{config} {path} ({result['clients']} clients)", result["rps"],
                          result["p50"], result["p99"], len(result["errors"]),
                          result["server_ms"]), flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"(client CPU, last run: {result['client_cpu']:.0%} of a core)")


if __name__ == "__main__":
    main()
