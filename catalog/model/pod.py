"""Catalog shapes of what runs in a pod: containers, probes, resources, mounts and volumes.

Field names follow the Kubernetes API where an operator would look them up there, and are
shortened only where the catalog has a convention (``glusterfs: data`` instead of a hostPath).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from catalog.model.base import EnvName, Image, Model, Name, Port, Quantity, Seconds


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


class Probe(Model):
    """One probe: exactly one of ``http`` (a path), ``exec`` (argv) or ``tcp`` (a port).

    ``port`` defaults to the container's first port; timings left unset keep the Kubernetes
    defaults (and are not written).
    """

    http: str | None = None
    exec: list[str] | None = None
    tcp: Port | None = None
    port: Port | None = None
    headers: dict[str, str] = {}
    initial_delay: Seconds | None = None
    period: Seconds | None = None
    timeout: Seconds | None = None
    failure_threshold: Seconds | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Probe:
        kinds = [k for k in ("http", "exec", "tcp") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a probe needs exactly one of http, exec, tcp (got {kinds or 'none'})")
        return self


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
    """``configs.matrix.config_processor_script``: copies Synapse's config templates from
    ``template_dir`` (the ``synapse-config`` ConfigMap) to ``config_dir`` and replaces each
    ``*_PLACEHOLDER`` with the container's env var of the same secret (``DB_PASSWORD``, ...)."""

    builder: Literal["synapse-config"]
    template_dir: str = "/config-template"
    config_dir: str = "/config"


def _script_tag(value: object) -> str | None:
    builder = value.get("builder") if isinstance(value, dict) else getattr(value, "builder", None)
    if not isinstance(builder, str):
        return None  # a list or mapping here is a mistake of the catalog, not a key to look up
    return {"gitlab-runner-config": "GitlabRunnerConfigScript", "synapse-config": "SynapseConfigScript"}.get(builder)


# A script written by a builder of configs/; ``builder`` names it. Tags are the class names, which
# the loader leaves out of error paths.
Script = Annotated[
    Annotated[GitlabRunnerConfigScript, Tag("GitlabRunnerConfigScript")]
    | Annotated[SynapseConfigScript, Tag("SynapseConfigScript")],
    Discriminator(
        _script_tag,
        custom_error_type="script_builder",
        custom_error_message="script needs 'builder:' one of gitlab-runner-config, synapse-config",
    ),
]


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


class SecretVolume(Model):
    """A Secret as files; ``secret`` defaults to the service's ExternalSecret target."""

    secret: Name | None = None
    default_mode: str | None = Field(default=None, pattern=r"^0[0-7]{3}$")
    items: dict[str, str] = {}


class ConfigMapVolume(Model):
    config_map: Name
    default_mode: str | None = Field(default=None, pattern=r"^0[0-7]{3}$")


HostPathType = Literal["Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket", "CharDevice", "BlockDevice"]


def glusterfs_path(service: str, kind: str, root: str) -> str:
    """The cluster's storage convention: ``<root>/glusterfs_<service>_<type>`` ('-' -> '_')."""
    return f"{root.rstrip('/')}/glusterfs_{service.replace('-', '_')}_{kind}"


class Volume(Model):
    """A pod volume: exactly one source.

    ``glusterfs: <type>`` is the cluster's storage convention: a hostPath at
    ``/storage/v/glusterfs_<service>_<type>`` of type ``Directory``; ``path`` overrides the
    path (the ``storage-path`` rule then wants a waiver). ``host_path`` is any other node path
    (``/storage/v/`` only, unless waived).
    """

    glusterfs: str | None = None
    host_path: str | None = None
    path: str | None = None
    type: HostPathType | None = None
    empty_dir: EmptyDir | None = None
    config_map: Name | None = None
    default_mode: str | None = Field(default=None, pattern=r"^0[0-7]{3}$")
    secret: SecretVolume | None = None
    nfs: Nfs | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Volume:
        sources = [
            k
            for k in ("glusterfs", "host_path", "empty_dir", "config_map", "secret", "nfs")
            if getattr(self, k) is not None
        ]
        if len(sources) != 1:
            raise ValueError(
                "a volume needs exactly one of glusterfs, host_path, empty_dir, config_map, secret, nfs "
                f"(got {sources or 'none'})"
            )
        if self.path is not None and self.glusterfs is None:
            raise ValueError("'path' only overrides the path of a glusterfs volume")
        if self.type is not None and self.glusterfs is None and self.host_path is None:
            raise ValueError("'type' only applies to glusterfs and host_path volumes")
        if self.default_mode is not None and self.config_map is None:
            raise ValueError("'default_mode' here only applies to config_map volumes")
        return self


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
