"""Kubernetes concepts rendered with the typed structs of the prebuilt kubernetes provider."""
