"""What the cluster will receive, checked before `terraform apply`.

``render`` turns the synthesized Terraform resources into the Kubernetes API objects the providers
send, ``validate`` checks them against the real API schemas (Kubernetes 1.33 and the CRDs in
``validation/crds``), ``secrets_scan`` looks for credentials in every synthesized file.
Pure Python: nothing here imports cdktf, so it runs in the fast part of the suite.
"""
