"""What the Kubernetes API server and the CronJob controller accept, as pure functions.

Each function answers ``None`` (valid) or the reason a value is refused, in the words an
operator can act on. No pydantic, no cdktf: the catalog's rules, and anything else that must
agree with the cluster, call these one definitions.
"""
