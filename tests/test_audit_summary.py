"""The audit report counts checkov findings per check, most frequent first."""

from tools.audit import summarise


def test_findings_are_counted_per_check_most_frequent_first():
    report = {
        "summary": {"passed": 5, "failed": 3, "resource_count": 2, "checkov_version": "x"},
        "results": {
            "failed_checks": [
                {"check_id": "CKV_K8S_21", "check_name": "default namespace"},
                {"check_id": "CKV_K8S_8", "check_name": "liveness"},
                {"check_id": "CKV_K8S_21", "check_name": "default namespace"},
            ]
        },
    }
    summary, rows = summarise(report)
    assert summary == {"passed": 5, "failed": 3, "resource_count": 2}
    assert rows == [("CKV_K8S_21", "default namespace", 2), ("CKV_K8S_8", "liveness", 1)]
