"""``python -m review.note REPORT``: the report as ONE note of the merge request, kept current.

Every push re-runs the diff job; a new note per push would bury the discussion, so the note
carries a marker and is edited in place when it exists. Runs only where a token is configured
(``REVIEW_NOTE_TOKEN``, a project access token with ``api`` scope) and in a merge request
pipeline; otherwise it says why it does nothing and succeeds: the report is still the job's
artifact. Talks to GitLab's REST API (``CI_API_V4_URL``) with the standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

MARKER = "<!-- cluster-state: make diff -->"
LIMIT = 1_000_000  # GitLab refuses longer note bodies
_REQUIRED = ("CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID")


class NoteError(Exception):
    pass


def note_body(report: str, job_url: str | None) -> str:
    link = f"\n\n[Full report]({job_url}/artifacts/file/review.md)" if job_url else ""
    body = f"{MARKER}\n{report.rstrip()}\n"
    if len(body) + len(link) > LIMIT:
        body = body[: LIMIT - len(link) - 40] + "\n\n… (truncated)"
    return body + link


def publish(report: str, env: dict[str, str]) -> str:
    """Creates or updates the note; returns what it did, for the job log."""
    token = env.get("REVIEW_NOTE_TOKEN")
    if not token:
        return "REVIEW_NOTE_TOKEN is not set: the report is the job's artifact only"
    missing = [name for name in _REQUIRED if not env.get(name)]
    if missing:
        return f"not a merge request pipeline ({', '.join(missing)} unset): no note posted"
    api = env["CI_API_V4_URL"].rstrip("/")
    project = urllib.parse.quote(env["CI_PROJECT_ID"], safe="")
    notes = f"{api}/projects/{project}/merge_requests/{env['CI_MERGE_REQUEST_IID']}/notes"
    body = note_body(report, env.get("CI_JOB_URL"))
    existing = _find_note(notes, token)
    if existing is None:
        note = _request("POST", notes, token, {"body": body})
        return f"posted note {note.get('id')}"
    _request("PUT", f"{notes}/{existing}", token, {"body": body})
    return f"updated note {existing}"


def _find_note(notes: str, token: str) -> int | None:
    page = 1
    while True:
        found = _request("GET", f"{notes}?per_page=100&sort=asc&page={page}", token)
        if not isinstance(found, list):
            raise NoteError(f"unexpected answer listing notes: {str(found)[:200]}")
        for note in found:
            if str(note.get("body", "")).startswith(MARKER):
                return int(note["id"])
        if len(found) < 100:
            return None
        page += 1


def _request(method: str, url: str, token: str, payload: dict | None = None):
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"PRIVATE-TOKEN": token})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        raise NoteError(f"{method} {url.split('?')[0]}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise NoteError(f"{method} {url.split('?')[0]}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m review.note REPORT.md", file=sys.stderr)
        return 2
    path = Path(args[0])
    if not path.is_file():
        print(f"review.note: {path} does not exist (did make diff run?)", file=sys.stderr)
        return 2
    try:
        print(f"review.note: {publish(path.read_text(), dict(os.environ))}")
    except NoteError as error:
        print(f"review.note: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
