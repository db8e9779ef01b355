"""Config files and scripts of the cluster's services, built from plain parameters: those that
are no suite's own (a suite's builders live in its package, ``suites/<suite>/configs.py``).

Every builder returns the exact text that ends up in a ConfigMap value, an env var or a
container argument. Static files live under ``files/<service>/``; the builders here fill the
few values that change (hostnames, buckets, database host) and generate the documents that are
structured data (YAML, JSON). No secret ever passes through this package: secrets
are placeholders or environment references resolved inside the pod.
"""
