# The website of Jayne Martin Counselling: a static site behind a Consul Connect sidecar.
# Traefik reaches it through the mesh (consulcatalog.connect); Prometheus scrapes the
# sidecar's Envoy metrics through the exposed /metrics path.
job "jayne-martin-counselling" {
  namespace = "jaynemartincounselling-prod"

  group "webserver" {
    network {
      mode = "bridge"

      port "http" {
        to = 80
      }

      port "envoy_metrics" {
        to = 9102
      }
    }

    service {
      provider = "consul"
      port     = 80

      tags = [
        "traefik.enable=true",
        "traefik.http.routers.jmc.rule=Host(`www.jaynemartincounselling.co.uk`)",
        "traefik.http.routers.jmc.entrypoints=websecure",
        "traefik.consulcatalog.connect=true",
      ]

      # Where to scrape the Envoy metrics exposed below.
      meta {
        envoy_metrics_port = "${NOMAD_HOST_PORT_envoy_metrics}"
      }

      # Expose lets Consul reach the check inside the mesh.
      check {
        name     = "jmc-alive"
        type     = "http"
        path     = "/"
        interval = "30s"
        timeout  = "5s"
        expose   = true
      }

      connect {
        sidecar_service {
          proxy {
            transparent_proxy {}

            expose {
              path {
                path            = "/metrics"
                protocol        = "http"
                local_path_port = 9102
                listener_port   = "envoy_metrics"
              }
            }
          }
        }

        # The cluster's rule for every Envoy sidecar: Nomad's 128 MB default is too little.
        sidecar_task {
          resources {
            memory     = 256
            memory_max = 512
          }
        }
      }
    }

    task "webserver" {
      driver = "docker"

      config {
        image = "registry.brmartin.co.uk/jayne-martin-counselling/website:latest"
      }

      resources {
        cpu    = 10
        memory = 32
      }
    }
  }
}
