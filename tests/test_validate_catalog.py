"""The whole synthesized catalog is what the API server would accept: every object validates
strictly against its schema, and no synthesized file holds a credential."""

from __future__ import annotations

from tests.conftest import CRD_SCHEMAS


def test_every_object_of_the_catalog_validates_strictly(synth_dir):
    from validation.render import render_out_dir
    from validation.validate import validate_out_dir

    assert len(render_out_dir(synth_dir)) >= 124
    findings = validate_out_dir(synth_dir, CRD_SCHEMAS)
    assert [str(f) for f in findings] == []


def test_no_synthesized_file_holds_a_credential(synth_dir):
    from validation.secrets_scan import scan_tree

    assert [str(f) for f in scan_tree(synth_dir)] == []
