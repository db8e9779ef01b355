"""``python -m validation render|validate|scan-secrets``: the entry points behind ``make render`` etc.

Exit codes: 0 clean, 1 findings (one line each on stdout), 2 nothing to check (no synthesized
stacks, missing schema folder) with the reason on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from validation.manifests import write_manifests
from validation.render import load_stacks, render_out_dir
from validation.schemas import DEFAULT_CRD_DIR, has_crd_dir
from validation.secrets_scan import scan_tree
from validation.validate import validate_rendered

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = PROJECT_ROOT / "cdktf.out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validation", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="write each stack's Kubernetes objects as YAML files")
    render.add_argument("--synth", type=Path, default=DEFAULT_OUT, help="cdktf output folder (default: cdktf.out)")
    render.add_argument("--out", type=Path, help="where to write (default: <synth>/manifests)")
    validate = commands.add_parser("validate", help="validate every object against the API schemas")
    validate.add_argument("--synth", type=Path, default=DEFAULT_OUT, help="cdktf output folder (default: cdktf.out)")
    validate.add_argument("--crd-schemas", type=Path, default=DEFAULT_CRD_DIR, help="CRD JSON Schema folder")
    scan = commands.add_parser("scan-secrets", help="look for credentials in every synthesized file")
    scan.add_argument("--synth", type=Path, default=DEFAULT_OUT, help="folder to scan (default: cdktf.out)")
    args = parser.parse_args(argv)

    if args.command == "scan-secrets":
        return _scan(args.synth)
    if not load_stacks(args.synth):
        print(f"no synthesized stacks under {args.synth}/stacks: run `make synth` first", file=sys.stderr)
        return 2
    if args.command == "render":
        return _render(args.synth, args.out or args.synth / "manifests")
    return _validate(args.synth, args.crd_schemas)


def _render(synth: Path, out: Path) -> int:
    written = write_manifests(render_out_dir(synth), out)
    print(f"wrote {len(written)} manifests under {out}")
    return 0


def _validate(synth: Path, crd_dir: Path) -> int:
    if not has_crd_dir(crd_dir):
        print(f"CRD schema folder {crd_dir} not found: pass --crd-schemas", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rendered = render_out_dir(synth)
    findings = validate_rendered(rendered, crd_dir)
    for finding in findings:
        print(finding)
    seconds = time.perf_counter() - started
    verdict = f"{len(findings)} finding(s)" if findings else "all valid"
    print(f"validated {len(rendered)} objects in {seconds:.2f}s: {verdict}", file=sys.stderr)
    return 1 if findings else 0


def _scan(root: Path) -> int:
    if not root.is_dir():
        print(f"{root} does not exist: run `make synth` first", file=sys.stderr)
        return 2
    findings = scan_tree(root)
    for finding in findings:
        print(f"{finding}: a credential in synthesized output; secrets belong in Vault via ExternalSecrets")
    print(f"secret scan of {root}: {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
