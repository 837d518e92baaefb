"""Serve the published report locally as a static host does: compressed, with cache headers.

``python scripts/serve.py`` (``make serve``) serves ``_build/html`` on http://127.0.0.1:8000/.
Text files (HTML, CSS, JavaScript, JSON, SVG, CSV, XML, plain text) go out gzip-compressed
(``Content-Encoding: gzip``, ``Vary: Accept-Encoding``) to clients that accept it, as GitHub
Pages, Netlify or an nginx with ``gzip on`` send them; each file is compressed once and kept
in memory until it changes. Pages are sent with ``Cache-Control: no-cache`` (always revalidated,
so a rebuilt report shows at once), everything else with a one-hour lifetime.

``make audit`` measures the site through this server (``serving()`` below), so its page weights
are the weights a reader on such a host downloads. Only the given folder is served; a path
leaving it is answered 404 by ``http.server``'s own path translation.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import io
import os
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SITE = REPO / "_build" / "html"
COMPRESSIBLE = (
    "text/", "application/javascript", "application/json", "application/xml",
    "image/svg+xml", "application/x-javascript",
)
MIN_COMPRESS = 256  # bytes: smaller bodies are sent as they are (the header costs more)
ASSET_MAX_AGE = 3600


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip;q=0`` refuses it)."""
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


class _GzipCache:
    """gzip bodies by path, valid while the file's size and mtime are unchanged."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items: dict[str, tuple[tuple[int, int], bytes]] = {}

    def get(self, path: str) -> bytes:
        stat = os.stat(path)
        key = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            hit = self._items.get(path)
        if hit and hit[0] == key:
            return hit[1]
        with open(path, "rb") as handle:
            # mtime=0: the same file always compresses to the same bytes
            body = gzip.compress(handle.read(), compresslevel=9, mtime=0)
        with self._lock:
            self._items[path] = (key, body)
        return body


class CompressingHandler(SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` plus gzip for text types and host-like cache headers."""

    cache = _GzipCache()
    quiet = False

    def log_message(self, format, *args):  # noqa: A002 (http.server's name)
        if not self.quiet:
            super().log_message(format, *args)

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        if path.endswith((".html", "/")):
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", f"public, max-age={ASSET_MAX_AGE}")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if not self.path.split("?", 1)[0].endswith("/") or not os.path.isfile(index):
                return super().send_head()  # redirect to "dir/" or a directory listing
            path = index
        ctype = self.guess_type(path)
        if (not os.path.isfile(path) or not ctype.startswith(COMPRESSIBLE)
                or not accepts_gzip(self.headers.get("Accept-Encoding"))
                or os.path.getsize(path) < MIN_COMPRESS):
            return super().send_head()
        try:
            body = self.cache.get(path)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(os.path.getmtime(path), usegmt=True))
        self.end_headers()
        return io.BytesIO(body)


CompressingHandler.extensions_map = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".js": "application/javascript", ".mjs": "application/javascript", ".json": "application/json",
    ".svg": "image/svg+xml", ".csv": "text/csv", ".woff2": "font/woff2", ".bib": "text/plain",
}


def make_server(site: Path, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False) -> ThreadingHTTPServer:
    if not (Path(site) / "index.html").is_file():
        raise FileNotFoundError(f"{site} has no index.html: build the report first (make report)")
    handler = type("Handler", (CompressingHandler,), {"quiet": quiet})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(site)))
    server.daemon_threads = True
    return server


@contextmanager
def serving(site: Path, host: str = "127.0.0.1", port: int = 0):
    """Serve ``site`` in a background thread; yields the base URL (ending in /)."""
    server = make_server(site, host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE, help="folder to serve (default _build/html)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.site, args.host, args.port)
    except (FileNotFoundError, OSError) as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    print(f"serving {args.site} at http://{args.host}:{server.server_address[1]}/ (gzip; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
