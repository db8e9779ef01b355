"""Catalog shapes of what runs in a pod: containers, probes, resources, mounts and volumes.

Field names follow the Kubernetes API where an operator would look them up there, and are
shortened only where the catalog has a convention (``glusterfs: data`` instead of a hostPath).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from catalog.model.base import EnvName, Image, Model, Name, Port, Quantity, Seconds, tagged_union


class SecretRef(Model):
    """An env value read from a Kubernetes Secret.

    ``secret`` names the key; ``from`` the Secret, by default the service's own ExternalSecret
    target, so the key must then be one the service declares under ``secrets.keys``.
    """

    secret: str
    from_: Name | None = Field(default=None, alias="from")


EnvValue = str | SecretRef


class Resources(Model):
    """Requests and limits as Kubernetes quantities; every container must have both (a rule)."""

    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}


class ProbeTimings(Model):
    """When and how often a probe runs. A timing left unset is inherited from the catalog's
    ``defaults:`` for the probe's kind (``catalog/model/defaults.py``) or, without one there,
    keeps the Kubernetes default (and is not written); ``null`` keeps the Kubernetes default
    even where ``defaults:`` gives one."""

    initial_delay: Seconds | None = None
    period: Seconds | None = None
    timeout: Seconds | None = None
    failure_threshold: Seconds | None = None


class HttpProbe(ProbeTimings):
    """GET ``http`` (a path) on ``port``, by default the container's first port."""

    http: str
    port: Port | None = None
    headers: dict[str, str] = {}


class ExecProbe(ProbeTimings):
    """Runs ``exec`` (argv) in the container."""

    exec: list[str]


class TcpProbe(ProbeTimings):
    """Opens a TCP connection to port ``tcp``."""

    tcp: Port


def _probe_tag(value: object) -> str | None:
    kinds = {"http": "HttpProbe", "exec": "ExecProbe", "tcp": "TcpProbe"}
    if isinstance(value, ProbeTimings):
        return type(value).__name__
    present = [tag for key, tag in kinds.items() if isinstance(value, dict) and key in value]
    return present[0] if len(present) == 1 else None


# One probe: exactly one of ``http``, ``exec`` or ``tcp``, whose key picks the member.
Probe = tagged_union((HttpProbe, ExecProbe, TcpProbe), _probe_tag, "a probe needs exactly one of http, exec, tcp")


class ContainerPort(Model):
    """A container port; ``host_port`` also binds it on the node."""

    port: Port
    name: str | None = None
    host_port: Port | None = None


class Mount(Model):
    volume: Name
    path: str
    sub_path: str | None = None
    read_only: bool | None = None


class SecurityContext(Model):
    privileged: bool | None = None
    run_as_user: int | None = None
    run_as_group: int | None = None


class GitlabRunnerConfigScript(Model):
    """``configs.gitlab_runner.runner_config_command``: writes ``/config/config.toml`` from the
    template ConfigMap mounted at ``/template``, naming the runner ``runner_name``; the token
    comes from the container's ``$RUNNER_TOKEN`` at run time, never from the catalog."""

    builder: Literal["gitlab-runner-config"]
    runner_name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")


class SynapseConfigScript(Model):
    """``suites.matrix.configs.config_processor_script``, written out by the matrix suite's
    expansion (only a matrix entry may use it: rule suite-fits): copies Synapse's config
    templates from ``template_dir`` (the ``synapse-config`` ConfigMap) to ``config_dir`` and
    replaces each ``*_PLACEHOLDER`` with the container's env var of the same secret."""

    builder: Literal["synapse-config"]
    template_dir: str = "/config-template"
    config_dir: str = "/config"


def _script_tag(value: object) -> str | None:
    builder = value.get("builder") if isinstance(value, dict) else getattr(value, "builder", None)
    if not isinstance(builder, str):
        return None  # a list or mapping here is a mistake of the catalog, not a key to look up
    return {"gitlab-runner-config": "GitlabRunnerConfigScript", "synapse-config": "SynapseConfigScript"}.get(builder)


# A script written by a builder (of configs/, or of the one suite that owns it); ``builder``
# names it. Tags are the class names, which the loader leaves out of error paths.
Script = tagged_union(
    (GitlabRunnerConfigScript, SynapseConfigScript),
    _script_tag,
    "script needs 'builder:' one of gitlab-runner-config, synapse-config",
)


class Container(Model):
    """A container. ``env`` is an ordered list of one-key maps: order matters for ``$(VAR)``.

    ``script`` is a shell script written by a builder of ``configs/`` instead of pasted here:
    the container then runs ``command: [/bin/sh, -c]`` with the script as its one argument, so
    ``script`` excludes ``command`` and ``args``.
    """

    image: Image
    command: list[str] | None = None
    args: list[str] | None = None
    script: Script | None = None
    ports: list[ContainerPort] = []
    env: list[dict[EnvName, EnvValue]] = []
    env_from_secret: bool = False
    mounts: list[Mount] = []
    resources: Resources = Resources()
    liveness: Probe | None = None
    readiness: Probe | None = None
    startup: Probe | None = None
    security_context: SecurityContext | None = None

    def running(self, script: str) -> Container:
        """This container with its ``script`` written out as ``script`` (the text its builder
        wrote): the one place where a script becomes ``command: [/bin/sh, -c]`` + ``args``."""
        return self.model_copy(update={"command": ["/bin/sh", "-c"], "args": [script], "script": None})

    @model_validator(mode="after")
    def _script_or_command(self) -> Container:
        if self.script is not None and (self.command is not None or self.args is not None):
            raise ValueError("give either script or command/args, not both: a script runs as /bin/sh -c <script>")
        return self

    @field_validator("env")
    @classmethod
    def _one_var_per_env_item(cls, env: list[dict[str, EnvValue]]) -> list[dict[str, EnvValue]]:
        for item in env:
            if len(item) != 1:
                raise ValueError(f"each env item is one 'NAME: value' pair, got {sorted(item)}")
        names = [name for item in env for name in item]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"env variable {dupes[0]!r} is set twice")
        return env

    @field_validator("ports")
    @classmethod
    def _ports_once(cls, ports: list[ContainerPort]) -> list[ContainerPort]:
        numbers = [p.port for p in ports]
        dupes = sorted({p for p in numbers if numbers.count(p) > 1})
        if dupes:
            raise ValueError(f"container port {dupes[0]} is declared twice")
        return ports


class EmptyDir(Model):
    medium: Literal["Memory"] | None = None
    size_limit: Quantity | None = None


class Nfs(Model):
    server: str
    path: str


class SecretFiles(Model):
    """A Secret as files; ``secret`` defaults to the service's ExternalSecret target."""

    secret: Name | None = None
    default_mode: str | None = Field(default=None, pattern=r"^0[0-7]{3}$")
    items: dict[str, str] = {}


HostPathType = Literal["Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket", "CharDevice", "BlockDevice"]


def glusterfs_path(service: str, kind: str, root: str) -> str:
    """The cluster's storage convention: ``<root>/glusterfs_<service>_<type>`` ('-' -> '_')."""
    return f"{root.rstrip('/')}/glusterfs_{service.replace('-', '_')}_{kind}"


def follows_glusterfs_convention(path: str, service: str, root: str) -> bool:
    """Whether ``path`` is ``glusterfs_path(service, <some type>, root)``: a hand-written hostPath
    on the storage root must still be one of the service's own GlusterFS directories."""
    prefix = glusterfs_path(service, "", root)
    kind = path.removeprefix(prefix) if path.startswith(prefix) else ""
    return bool(kind) and all(c.islower() or c.isdigit() or c == "_" for c in kind)


class GlusterfsVolume(Model):
    """The cluster's storage convention: a hostPath at ``/storage/v/glusterfs_<service>_<type>``
    of type ``Directory``; ``path`` overrides the path (the ``storage-path`` rule then wants a
    waiver)."""

    glusterfs: str
    path: str | None = None
    type: HostPathType | None = None

    def node_path(self, service: str, root: str) -> str:
        return self.path or glusterfs_path(service, self.glusterfs, root)


class HostPathVolume(Model):
    """Any other node path (``/storage/v/`` only, unless ``storage-path`` is waived)."""

    host_path: str
    type: HostPathType | None = None


class EmptyDirVolume(Model):
    empty_dir: EmptyDir


class ConfigMapVolume(Model):
    config_map: Name
    default_mode: str | None = Field(default=None, pattern=r"^0[0-7]{3}$")


class SecretVolume(Model):
    secret: SecretFiles


class NfsVolume(Model):
    nfs: Nfs


_VOLUME_SOURCES = {
    "glusterfs": GlusterfsVolume,
    "host_path": HostPathVolume,
    "empty_dir": EmptyDirVolume,
    "config_map": ConfigMapVolume,
    "secret": SecretVolume,
    "nfs": NfsVolume,
}


def _volume_tag(value: object) -> str | None:
    if isinstance(value, Model):
        return type(value).__name__
    present = [cls.__name__ for key, cls in _VOLUME_SOURCES.items() if isinstance(value, dict) and key in value]
    return present[0] if len(present) == 1 else None


# A pod volume: exactly one source, whose key picks the member.
Volume = tagged_union(
    tuple(_VOLUME_SOURCES.values()),
    _volume_tag,
    f"a volume needs exactly one of {', '.join(_VOLUME_SOURCES)}",
)


class VolumeClaimTemplate(Model):
    storage: Quantity
    storage_class: str | None = None
    access_modes: list[Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]] = [
        "ReadWriteOnce"
    ]


class Toleration(Model):
    key: str
    operator: Literal["Exists", "Equal"] = "Exists"
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    value: str | None = None


class Placement(Model):
    """Where pods may run.

    ``arch``: required node affinity on ``kubernetes.io/arch``; ``prefer_arch``: preferred
    (weight 100); ``node``: a nodeSelector on the hostname (a node of ``cluster.nodes``);
    ``node_arch``: a nodeSelector on the arch. Unset: anywhere.
    """

    arch: list[Literal["amd64", "arm64"]] | None = None
    prefer_arch: Literal["amd64", "arm64"] | None = None
    node: Name | None = None
    node_arch: Literal["amd64", "arm64"] | None = None


class PodSecurityContext(Model):
    fs_group: int | None = None
    supplemental_groups: list[int] | None = None
