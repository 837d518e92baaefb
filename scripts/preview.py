"""Live preview of the report: ``make preview`` (``python scripts/preview.py [--port N]``).

Serves the report at http://127.0.0.1:8001/ (``--port 0``: a free port, printed), watches
``book/``, ``data/`` and the configuration, rebuilds what an edit changed (pipeline/speed/preview.py)
and reloads the open pages. The preview is built in ``_build/preview/``: ``_build/html`` (the
report) is never touched, and ``make report`` builds as it always does.

A small script is added to each page as it is served (never to the built files): it listens to
the server's events (server-sent events, ``/__preview__/events``) and reloads the page after a
good rebuild, or shows what went wrong (the validator's file, row, column and rule) above the last
good page, which stays served. Ctrl-C (or SIGTERM) stops the server and every process it started.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
import traceback
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.config import ROOT  # noqa: E402
from pipeline.errors import BuildError  # noqa: E402
from pipeline.speed.preview import Preview, file_state  # noqa: E402

PREFIX = "/__preview__/"
POLL_S = 0.15  # how often the watched files are looked at
SETTLE_S = 0.1  # an editor's save can be several writes: wait for them to settle

# The script served to each page: reload after a newer good build; show the error of a failed one.
CLIENT = r"""(function () {
  var me = document.currentScript, loaded = Number(me.dataset.generation);
  var box = null;
  function show(message) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "preview-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:10000;margin:0;padding:1em;" +
        "max-height:50vh;overflow:auto;white-space:pre-wrap;background:#fff4f4;color:#7a0000;" +
        "border-bottom:3px solid #b00020;font:14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = message;
  }
  var events = new EventSource(me.dataset.events);
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.generation > loaded) { events.close(); location.reload(); return; }
    if (state.error) { show(state.error); } else if (box) { box.remove(); box = null; }
  });
})();
"""


class State:
    """What the pages are told: the number of the last good build and the error of the last build, if any."""

    def __init__(self):
        self.generation = 0
        self.error = ""
        self.changed = threading.Condition()

    def set(self, generation: int, error: str) -> None:
        with self.changed:
            self.generation, self.error = generation, error
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"generation": self.generation, "error": self.error})


class Handler(SimpleHTTPRequestHandler):
    state: State

    def log_message(self, format, *args):  # noqa: A002 (http.server's name)
        pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.startswith(PREFIX):
            return self._preview()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._page(path)
        return super().do_GET()

    def _page(self, path: Path) -> None:
        """The page with the reload script added before ``</body>`` (in the response only)."""
        text = path.read_text(encoding="utf-8")
        tag = (f'<script src="{PREFIX}client.js" data-generation="{self.state.generation}"'
               f' data-events="{PREFIX}events"></script>')
        at = text.rfind("</body>")
        body = (text[:at] + tag + text[at:] if at >= 0 else text + tag).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _preview(self) -> None:
        name = self.path[len(PREFIX):].split("?")[0]
        if name == "client.js":
            body = CLIENT.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif name == "state":
            body = self.state.as_json().encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        elif name == "events":
            self._events()
        else:
            self.send_error(404)

    def _events(self) -> None:
        """Server-sent events: the state now, then at each change (a comment every 15 s keeps it open)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = None
        try:
            while not self.server.stopping.is_set():
                with self.state.changed:
                    now = self.state.as_json()
                    if now == sent:
                        self.state.changed.wait(timeout=15)
                        now = self.state.as_json()
                if now != sent:
                    self.wfile.write(f"event: state\ndata: {now}\n\n".encode("utf-8"))
                    sent = now
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    stopping = threading.Event()


def watch(preview: Preview, state: State, stop: threading.Event) -> None:
    """Rebuild on each save until ``stop``: the main thread's loop."""
    seen = file_state(preview.watched())
    while not stop.is_set():
        time.sleep(POLL_S)
        now = file_state(preview.watched())
        if now == seen:
            continue
        while True:  # let a multi-write save finish
            time.sleep(SETTLE_S)
            settled = file_state(preview.watched())
            if settled == now:
                break
            now = settled
        changed = sorted({p for p in set(now) | set(seen) if now.get(p) != seen.get(p)})
        seen = now
        rebuild(preview, state, changed)


def rebuild(preview: Preview, state: State, changed: list[Path] | None) -> None:
    started = time.monotonic()
    names = ", ".join(str(p.relative_to(preview.root)) if preview.root in p.parents else str(p) for p in changed or [])
    print(f"rebuilding{' after ' + names if names else ''} …", flush=True)
    try:
        kind = preview.rebuild(changed) if changed else (preview.build() or "full")
        if not kind:
            print("nothing to rebuild (no page or dataset changed)", flush=True)
            return
    except BuildError as error:
        state.set(preview.generation, f"build failed {error}\n\nThe last good pages are shown; save a fix to rebuild.")
        print(f"build failed {error}", file=sys.stderr, flush=True)
        return
    except Exception as problem:  # noqa: BLE001  (the preview keeps serving the last good pages)
        traceback.print_exc()
        state.set(preview.generation, f"the preview failed: {type(problem).__name__}: {problem}\n\nThe last good pages are shown.")
        return
    state.set(preview.generation, "")
    print(f"rebuilt ({kind}) in {time.monotonic() - started:.1f} s", flush=True)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that clean-up runs as for Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/preview.py", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (0: a free one; default 8001)")
    parser.add_argument("--data-dir", type=Path, default=None, help="datasets folder (default: data/)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # another report root (tests)
    args = parser.parse_args(argv)
    # A job started in the background inherits SIGINT ignored: take it back, so Ctrl-C and kill -INT stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)
    root = args.root.resolve()
    preview = Preview(root, (args.data_dir or root / "data"), root / "_build" / "preview")
    state = State()
    Handler.state = state
    preview.served.mkdir(parents=True, exist_ok=True)
    server = Server(("127.0.0.1", args.port), partial(Handler, directory=str(preview.served)))
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    stop = threading.Event()
    try:
        preview.start()
        thread.start()
        print(f"preview at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops it)", flush=True)
        rebuild(preview, state, None)
        watch(preview, state, stop)
    except (KeyboardInterrupt, Terminated):
        pass
    finally:
        stop.set()
        Server.stopping.set()
        with state.changed:
            state.changed.notify_all()
        server.shutdown() if thread.is_alive() else None
        server.server_close()
        preview.stop()
    print("preview stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
