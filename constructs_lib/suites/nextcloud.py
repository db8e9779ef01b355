"""The nextcloud suite. Everything it runs is generic data of the entry (the redis and cron
sidecars are containers of the nextcloud pod, the WebDAV redirect an ordinary middleware);
``params`` only ties the two public hostnames to the routes (checked when the catalog loads)."""

from __future__ import annotations

from constructs_lib.suites.base import Suite


class NextcloudSuite(Suite):
    """Nextcloud with redis and cron sidecars, and Collabora Online."""
