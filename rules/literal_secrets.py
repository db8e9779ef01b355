"""No literal secret in the catalog: every env value, command and argument, probe header,
ConfigMap value and file (``data``, the files of ``files/`` and what a suite generates, as the
expanded catalog holds it), Nomad variable and the MinIO endpoint is scanned with the
detect-secrets plugins the output scan uses (validation/secrets_scan.py: AWS keys, private keys,
URLs with a password, keyword-context tokens, high-entropy strings ...), through the cache of
scan results (validation/scan_cache.py). Secrets reach the cluster only through ExternalSecrets;
a service may waive ``no-literal-secrets`` only with a written reason.

One place for each text: what the catalog holds is scanned here, where a finding names its line
of services.yaml; the texts that exist only once the constructs are built (scripts of builders,
litestream's config, manifest bodies, jobspecs) are scanned by the same rule in rules/tree.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from catalog.model import Catalog, Service
from catalog.model.pod import Container, ExecProbe, HttpProbe
from catalog.source import Location
from rules.engine import Located
from rules.references import PROJECT_ROOT, project_file_problem
from rules.walk import containers
from validation.scan_cache import secret_kinds

RULE = "no-literal-secrets"
# Env names that hold credentials (ACCESS_KEY / CLIENT_ID are identifiers, not secrets): any
# literal value there is one, whatever the detectors make of it.
SECRET_ENV = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|_PASS$)", re.IGNORECASE)


def _container_values(container: Container) -> Iterator[tuple[Location, str]]:
    """Every literal text of a container, as ``name: value`` lines where a name gives context."""
    for i, item in enumerate(container.env):
        for var, value in item.items():
            if isinstance(value, str):
                yield ("env", i, var), f"{var}: {value}"
    for field in ("command", "args"):
        for i, arg in enumerate(getattr(container, field) or []):
            yield (field, i), arg
    for probe_name in ("liveness", "readiness", "startup"):
        match getattr(container, probe_name):
            case HttpProbe(headers=headers):
                for header, value in headers.items():
                    yield (probe_name, "headers", header), f"{header}: {value}"
            case ExecProbe(exec=argv):
                for i, arg in enumerate(argv):
                    yield (probe_name, "exec", i), arg


def _values(service: Service) -> Iterator[tuple[Location, str]]:
    """Every literal text of the service's own objects (its containers: see literal_secrets)."""
    for cm_name, cm in service.config_maps.items():
        for key, value in cm.data.items():
            for line in value.splitlines() or [""]:
                yield ("config_maps", cm_name, "data", key), f"{key}: {line}" if "\n" not in value else line
        for key, relative in cm.files.items():
            if project_file_problem(relative, "files") is None:
                for line in (PROJECT_ROOT / relative).read_text(encoding="utf-8").splitlines():
                    yield ("config_maps", cm_name, "files", key), line


def literal_secrets(catalog: Catalog) -> Iterator[Located]:
    located: list[tuple[Location, str]] = []
    for name, service in catalog.services.items():
        located += [(("services", name) + loc, line) for loc, line in _values(service)]
    located += [(c_loc + loc, line) for c_loc, c in containers(catalog) for loc, line in _container_values(c)]
    for job_name, job in catalog.nomad.jobs.items():
        located += [(("nomad", "jobs", job_name, "vars", var), f"{var}: {value}") for var, value in job.vars.items()]
    located.append((("cluster", "minio_endpoint"), catalog.cluster.minio_endpoint))
    kinds_of = secret_kinds([line for _loc, line in located])
    reported: set[Location] = set()
    for c_loc, container in containers(catalog):
        for i, item in enumerate(container.env):
            for var, value in item.items():
                if isinstance(value, str) and value and SECRET_ENV.search(var):
                    reported.add(c_loc + ("env", i, var))
                    yield c_loc + ("env", i, var), f"{var} is a literal; read it from the ExternalSecret"
    for (loc, _line), kinds in zip(located, kinds_of):
        if kinds and loc not in reported:
            reported.add(loc)
            yield (
                loc,
                f"holds a literal secret ({', '.join(kinds)}); put it in Vault and read it through the "
                f"service's secrets, or waive {RULE!r} with a reason",
            )


RULES = {RULE: literal_secrets}
