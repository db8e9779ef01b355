# Controller half of the "glusterfs" CSI plugin: democratic-csi's nfs-client driver over the
# GlusterFS mount at /storage. The controller creates and removes volume directories
# directly under /storage, so the host path is bind-mounted read-write.
job "plugin-glusterfs-controller" {
  group "controller" {
    task "plugin" {
      driver = "docker"

      config {
        image        = "democraticcsi/democratic-csi:v1.9.5"
        network_mode = "host"

        args = [
          "--csi-version=1.5.0",
          "--csi-name=org.democratic-csi.nfs-glusterfs",
          "--driver-config-file=${NOMAD_TASK_DIR}/driver-config.yaml",
          "--log-level=warn",
          "--csi-mode=controller",
          "--server-socket=/csi/csi.sock",
        ]

        volumes = [
          "/storage:/storage:rw",
        ]
      }

      csi_plugin {
        id        = "glusterfs"
        type      = "controller"
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
            # The controller sees the same tree at the same path.
            controllerBasePath: /storage
            dirPermissionsMode: "0777"
            dirPermissionsUser: root
            dirPermissionsGroup: root
        EOT
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
