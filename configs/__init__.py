"""Config files and scripts of the cluster's services, built from plain parameters.

Every builder returns the exact text that ends up in a ConfigMap value, an env var or a
container argument. Static files live under ``files/<service>/``; the builders here fill the
few values that change (hostnames, buckets, database host) and generate the documents that are
structured data (YAML, JSON, Ruby settings). No secret ever passes through this package: secrets
are placeholders or environment references resolved inside the pod.
"""
