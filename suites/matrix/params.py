"""The params of the matrix suite (``params:`` of the entry with ``suite: matrix``)."""

from __future__ import annotations

from pydantic import Field

from catalog.model.base import Hostname
from suites.params import Database, SuiteParams, Url


class MatrixParams(SuiteParams):
    """The matrix suite: Synapse, MAS, the WhatsApp bridge, the well-known server, Element, Cinny.

    Generated from these: Synapse's ``homeserver.yaml``, ``log_config.yaml`` and the WhatsApp
    appservice registration (ConfigMap ``synapse-config``), the well-known ``client`` and
    ``server`` documents (``matrix-nginx-config``), and Element's and Cinny's ``config.json``
    (``element-config``, ``cinny-config``). The entry declares those ConfigMaps (name, labels,
    static files); the suite adds the generated keys. Secrets stay ``*_PLACEHOLDER`` tokens,
    filled in the pod by an init container running ``script: {builder: synapse-config}``; the
    suite sets that container's env from the Secret (``DB_PASSWORD`` from key ``db_password``, ...).
    The public hostnames of Synapse and MAS are not params: each is the host of the entry's
    IngressRoute of that name (``synapse``, ``mas``; see ``suites/matrix/__init__.py``).
    """

    server_name: Hostname = Field(description="The Matrix domain of user ids (@user:<server_name>).")
    turn_hostname: Hostname = Field(description="The TURN server Synapse hands to clients (not routed here).")
    account_management_url: Url = Field(description="Where MAS sends users to manage their account.")
    mas_introspection_endpoint: Url = Field(description="MAS's token introspection URL, reached in-cluster.")
    whatsapp_bridge_url: Url = Field(description="In-cluster URL Synapse pushes appservice transactions to.")
    whatsapp_sender_localpart: str = Field(
        pattern=r"^[a-z0-9._=/-]+$",
        description="The bridge's appservice sender localpart, as in its own registration.yaml (not a secret).",
    )
    database: Database
