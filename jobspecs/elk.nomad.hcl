# Elasticsearch (three nodes, one per host) and Kibana (two instances in front of them).
#
# An HCL2 jobspec: the Elastic version comes in as a variable (hcl2.vars of the nomad_job
# resource, pinned in services.yaml where Renovate updates it), so both images move together.

variable "elastic_version" {
  type        = string
  description = "Version of Elasticsearch and Kibana, e.g. 9.2.3."
}

job "elk" {
  # One Elasticsearch node per host: static ports 9200/9300 and a data directory on the host.
  group "node" {
    count = 3

    constraint {
      distinct_hosts = true
    }

    network {
      port "http" {
        static = 9200
      }

      port "transport" {
        static = 9300
      }
    }

    task "elasticsearch" {
      driver = "docker"

      config {
        image = "docker.elastic.co/elasticsearch/elasticsearch:${var.elastic_version}"
        ports = ["http", "transport"]

        # The certificates and keystore live per node on the host; the data stays on the host.
        volumes = [
          "/mnt/docker/elastic-${node.unique.name}/config:/usr/share/elasticsearch/config",
          "/var/lib/elasticsearch:/var/lib/elasticsearch",
        ]

        # bootstrap.memory_lock needs an unlimited memlock.
        ulimit {
          memlock = "-1:-1"
        }

        mount {
          type   = "bind"
          source = "local/elasticsearch.yml"
          target = "/usr/share/elasticsearch/config/elasticsearch.yml"
        }
      }

      env {
        ES_PATH_CONF = "/usr/share/elasticsearch/config"
      }

      template {
        destination = "local/elasticsearch.yml"
        data        = <<-EOT
          # Rendered by Nomad for each allocation: node name and published addresses
          # come from the allocation, everything else is the same on every node.
          cluster.name: docker-cluster
          node.name: {{ env "node.unique.name" }}

          network.host: 0.0.0.0
          # Publish the host's address and ports, not the container's.
          http.publish_host: {{ env "NOMAD_HOST_IP_http" }}
          http.publish_port: {{ env "NOMAD_HOST_PORT_http" }}
          transport.publish_host: {{ env "NOMAD_HOST_IP_transport" }}
          transport.publish_port: {{ env "NOMAD_HOST_PORT_transport" }}

          discovery.seed_hosts:
            - hestia.lan:9300
            - heracles.lan:9300
            - nyx.lan:9300

          path.data: /var/lib/elasticsearch

          # Memory is locked at start (ulimit memlock in the jobspec).
          bootstrap.memory_lock: true

          xpack.ml.enabled: false
          xpack.security.enrollment.enabled: true

          # Node-to-node traffic: mutual TLS with the cluster's own certificates.
          xpack.security.transport.ssl:
            enabled: true
            verification_mode: certificate
            client_authentication: required
            keystore.path: certs/elastic-certificates.p12
            truststore.path: certs/elastic-certificates.p12

          # Clients: TLS with the HTTP certificate.
          xpack.security.http.ssl:
            enabled: true
            keystore.path: certs/http.p12
        EOT
      }

      resources {
        cpu    = 2000
        memory = 2048
      }

      service {
        name     = "elk-node-http"
        provider = "consul"
        port     = "http"

        # Traefik speaks HTTPS to the nodes, trusting their CA through the "es" transport.
        tags = [
          "traefik.enable=true",
          "traefik.http.routers.es.rule=Host(`es.brmartin.co.uk`)",
          "traefik.http.routers.es.entrypoints=websecure",
          "traefik.http.routers.es.service=es",
          "traefik.http.services.es.loadbalancer.server.scheme=https",
          "traefik.http.services.es.loadbalancer.serversTransport=es@file",
        ]
      }

      service {
        name     = "elk-node-transport"
        provider = "consul"
        port     = "transport"
      }
    }
  }

  group "kibana" {
    count = 2

    network {
      port "web" {
        to = 5601
      }
    }

    task "kibana" {
      driver = "docker"

      config {
        image = "docker.elastic.co/kibana/kibana:${var.elastic_version}"
        ports = ["web"]

        volumes = [
          "/mnt/docker/elastic/kibana/config:/usr/share/kibana/config",
        ]

        mount {
          type   = "bind"
          source = "local/kibana.yml"
          target = "/usr/share/kibana/config/kibana.yml"
        }
      }

      # kibana.yml names its credentials and keys as $${VAR}: Kibana reads them from the
      # environment filled by the secrets template below. "$${" keeps HCL2 from resolving them.
      template {
        destination = "local/kibana.yml"
        data        = <<-EOT
          server:
            host: 0.0.0.0
            publicBaseUrl: https://kibana.brmartin.co.uk
            # Traefik terminates TLS.
            ssl.enabled: false

          elasticsearch.hosts:
            - https://hestia.lan:9200
            - https://heracles.lan:9200
            - https://nyx.lan:9200
          elasticsearch.publicBaseUrl: https://es.brmartin.co.uk
          elasticsearch.username: $${ELASTICSEARCH_USERNAME}
          elasticsearch.password: $${ELASTICSEARCH_PASSWORD}
          elasticsearch.requestTimeout: 600000
          elasticsearch.ssl:
            verificationMode: certificate
            certificateAuthorities:
              - /usr/share/kibana/config/elasticsearch-ca.pem

          xpack.encryptionKeys:
            encryptedSavedObjects: $${XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY}
            reporting: $${XPACK_REPORTING_ENCRYPTIONKEY}
            security: $${XPACK_SECURITY_ENCRYPTIONKEY}

          xpack.alerting.rules.run.alerts.max: 10000
        EOT
      }

      # Credentials and encryption keys from the Nomad variable of this task, as env vars.
      template {
        destination = "secrets/file.env"
        env         = true
        data        = <<-EOT
          {{ with nomadVar "nomad/jobs/elk/kibana/kibana" -}}
          ELASTICSEARCH_USERNAME={{ .kibana_username }}
          ELASTICSEARCH_PASSWORD={{ .kibana_password }}
          XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY={{ .kibana_encryptedSavedObjects_encryptionKey }}
          XPACK_REPORTING_ENCRYPTIONKEY={{ .kibana_reporting_encryptionKey }}
          XPACK_SECURITY_ENCRYPTIONKEY={{ .kibana_security_encryptionKey }}
          {{- end }}
        EOT
      }

      resources {
        cpu        = 500
        memory     = 512
        memory_max = 1024
      }

      service {
        provider = "consul"
        port     = "web"

        tags = [
          "traefik.enable=true",
          "traefik.http.routers.kibana.rule=Host(`kibana.brmartin.co.uk`)",
          "traefik.http.routers.kibana.entrypoints=websecure",
        ]

        check {
          name     = "healthiness"
          type     = "tcp"
          port     = "web"
          interval = "5s"
          timeout  = "2s"
        }

        # A Kibana that is up but not ready must not restart the task on deploys.
        check {
          name      = "readiness"
          type      = "http"
          port      = "web"
          path      = "/api/status"
          interval  = "5s"
          timeout   = "2s"
          on_update = "ignore"
        }
      }
    }
  }
}
