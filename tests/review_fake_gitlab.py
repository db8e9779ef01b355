"""A fake of the few GitLab REST endpoints review.note uses: merge-request notes, on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOTES = re.compile(r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes(?:/(?P<id>\d+))?$")


class FakeGitLab:
    def __init__(self, token: str = "glpat-test") -> None:
        self.token = token
        self.notes: dict[tuple[str, str], list[dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self._next = 1000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, status: int, payload) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                path, _, query = self.path.partition("?")
                fake.requests.append((method, path))
                if self.headers.get("PRIVATE-TOKEN") != fake.token:
                    return self._answer(401, {"message": "401 Unauthorized"})
                match = NOTES.match(path)
                if not match:
                    return self._answer(404, {"message": "404 Not Found"})
                notes = fake.notes.setdefault((match["project"], match["iid"]), [])
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else {}
                if method == "GET" and not match["id"]:
                    page = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("page", 1))
                    return self._answer(200, notes[(page - 1) * 100 : page * 100])
                if method == "POST" and not match["id"]:
                    fake._next += 1
                    notes.append({"id": fake._next, "body": body["body"]})
                    return self._answer(201, notes[-1])
                if method == "PUT" and match["id"]:
                    for note in notes:
                        if note["id"] == int(match["id"]):
                            note["body"] = body["body"]
                            return self._answer(200, note)
                    return self._answer(404, {"message": "404 Note Not Found"})
                return self._answer(405, {"message": "405 Method Not Allowed"})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PUT(self) -> None:
                self._route("PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGitLab:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
