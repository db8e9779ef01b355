"""The appflowy suite. Everything it runs is generic data of the entry (postgres and redis are
ordinary workloads, the IngressRoute and its middlewares ordinary routing); ``params`` only
ties the public hostname to the routes (checked when the catalog loads)."""

from __future__ import annotations

from constructs_lib.suites.base import Suite


class AppflowySuite(Suite):
    """gotrue, cloud, worker, web, admin frontend, postgres and redis behind one IngressRoute."""
