"""Custom resources of the platform (external-secrets, Traefik, VPA, Cilium) as kubectl manifests."""
