# Node half of the "glusterfs" CSI plugin: a system job, so that every client can mount the
# volumes the controller creates. Mounting needs the host's network and privileges.
job "plugin-glusterfs-nodes" {
  type = "system"

  group "nodes" {
    task "plugin" {
      driver = "docker"

      config {
        image        = "democraticcsi/democratic-csi:v1.9.5"
        privileged   = true
        network_mode = "host"

        args = [
          "--csi-version=1.5.0",
          "--csi-name=org.democratic-csi.nfs-glusterfs",
          "--driver-config-file=${NOMAD_TASK_DIR}/driver-config.yaml",
          "--log-level=warn",
          "--csi-mode=node",
          "--server-socket=/csi/csi.sock",
        ]
      }

      csi_plugin {
        id        = "glusterfs"
        type      = "node"
        mount_dir = "/csi"
      }

      template {
        destination = "${NOMAD_TASK_DIR}/driver-config.yaml"
        data        = <<-EOT
          # Every host serves /storage (GlusterFS) over NFS on loopback.
          driver: nfs-client
          nfs:
            shareHost: 127.0.0.1
            shareBasePath: /storage
            controllerBasePath: /storage
            dirPermissionsMode: "0777"
            dirPermissionsUser: root
            dirPermissionsGroup: root
          node:
            mount:
              # nfsvers=4.2  newest protocol: server-side copy, sparse files
              # noatime      no access-time writes on every read
              # async        let the client batch writes
              # softerr      fail a stuck call with ETIMEDOUT instead of hanging the task
              # nocto        skip close-to-open revalidation; one writer per volume
              # lookupcache  cache positive and negative lookups
              mount_flags: "nfsvers=4.2,noatime,async,softerr,nocto,lookupcache=all"
        EOT
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
