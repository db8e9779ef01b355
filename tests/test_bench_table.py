"""The README's benchmark table is generated from the bench's output (bench/table.py)."""

from __future__ import annotations

from bench.table import BEGIN, END, README, replace_in_readme, table

RESULTS = {
    "runs": 5,
    "cpus": 2,
    "load_average": [3.5, 3.0, 2.5],
    "rows": [
        {"name": "floor", "label": "floor", "median_s": 6.0, "ratio": 1.0, "target": "", "ok": None,
         "peak_rss_mb": 540, "resources": 1, "first_run_s": 6.1},
        {"name": "catalog", "label": "whole catalog", "median_s": 6.6, "ratio": 1.1, "target": "1.2x", "ok": True,
         "peak_rss_mb": 560, "resources": 130, "first_run_s": 6.7},
        {"name": "noop", "label": "no-op", "median_s": 0.4, "ratio": 0.07, "target": "0.3 s", "ok": False,
         "peak_rss_mb": 10, "resources": 130, "first_run_s": 0.4},
    ],
    "peak_rss_mb": 560,
    "peak_rss_ok": True,
}  # fmt: skip


def test_the_table_has_one_row_per_workload_and_flags_a_missed_target():
    text = table(RESULTS)
    assert "| whole catalog | 6.60 s | 1.10 | 1.2x | yes | 560 MB | 130 |" in text
    assert "| no-op | 0.40 s | 0.07 | 0.3 s | **no** | 10 MB | 130 |" in text
    assert "medians of 5 interleaved rounds, 2 cores" in text


def test_the_readme_section_is_replaced_and_nothing_else():
    readme = README.read_text()
    assert readme.count(BEGIN) == 1 and readme.count(END) == 1
    updated = replace_in_readme(readme, table(RESULTS))
    assert replace_in_readme(updated, table(RESULTS)) == updated
    assert updated.split(BEGIN)[0] == readme.split(BEGIN)[0]
    assert updated.split(END)[1] == readme.split(END)[1]


def test_the_benchmarks_generated_catalog_is_a_valid_catalog(tmp_path):
    """The 200- and 1,000-service rows synthesize this catalog: a rule it breaks (it once restated
    the probe period that ``defaults:`` gives) stops the whole bench."""
    from bench.synth import generated_catalog
    from rules import load_catalog

    path = tmp_path / "services.yaml"
    path.write_text(generated_catalog(3))
    assert sorted(load_catalog(path).services) == ["app0000", "app0001", "app0002"]
