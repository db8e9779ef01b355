"""Terraform addresses are a public contract: renaming one destroys and recreates the object."""

from __future__ import annotations

from tests.conftest import resources_of


def test_the_addresses_of_the_whole_catalog_match_their_snapshot(stacks, snapshot):
    assert {name: sorted(resources_of(stack)) for name, stack in stacks.items()} == snapshot


def test_addresses_are_readable_names_without_hash_suffixes(stacks):
    for address in resources_of(stacks["kubernetes"]):
        _type, name = address.split(".", 1)
        assert name.replace("_", "").isalnum() and name == name.lower(), address
        assert not any(part.isupper() or (len(part) == 8 and not part.isalpha()) for part in name.split("_")), address


def test_restructuring_the_construct_tree_does_not_change_any_address(synth_with, catalog):
    from constructs import Construct

    from constructs_lib.app import App

    def flat(stack):
        App(stack, "overseerr", name="overseerr", service=catalog.services["overseerr"], cluster=catalog.cluster)

    def nested(stack):
        group = Construct(Construct(stack, "media"), "requests")
        App(
            group,
            "renamed-construct-id",
            name="overseerr",
            service=catalog.services["overseerr"],
            cluster=catalog.cluster,
        )

    flat_resources = synth_with(flat)
    nested_resources = synth_with(nested)
    assert sorted(flat_resources) == sorted(nested_resources)
    assert (
        flat_resources["kubernetes_stateful_set.overseerr"]["//"]["metadata"]["path"]
        != (nested_resources["kubernetes_stateful_set.overseerr"]["//"]["metadata"]["path"])
    ), "the construct paths differ, the addresses do not"


def test_two_objects_claiming_one_address_stop_synthesis(synth_with, catalog):
    import pytest

    from constructs_lib.app import App

    def twice(stack):
        App(stack, "a", name="overseerr", service=catalog.services["overseerr"], cluster=catalog.cluster)
        App(stack, "b", name="overseerr", service=catalog.services["overseerr"], cluster=catalog.cluster)

    with pytest.raises(ValueError, match="would both be"):
        synth_with(twice)
