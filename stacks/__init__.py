"""Terraform stacks: one state each, built from the catalog."""
