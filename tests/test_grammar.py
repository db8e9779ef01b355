"""The validators of grammar/, against what the Kubernetes API server, the CronJob controller
(robfig/cron v3 ParseStandard) and the distribution reference grammar accept and refuse."""

from __future__ import annotations

import pytest

from grammar import names
from grammar.cron import go_duration, schedule
from grammar.image_reference import image_reference
from grammar.quantity import value
from grammar.timezones import time_zone

VALID_SCHEDULES = [
    "* * * * *",
    "0 3 * * *",
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@every 2h",
    "@every 1h30m",
    "@every 90s",
    "@every 1.5h",
    "@every 0",
    "0 3 ? * *",
    "0 3 * * ?",
    "*/15 * * * *",
    "5/10 * * * *",
    "0-30/5 * * * *",
    "0 9-17 * * mon-fri",
    "0 0 1 jan,JUL *",
    "0 0 * * SUN",
    "0 0 31 12 6",
    "0,15,30,45 * * * *",
    "*-5 * * * *",
]
INVALID_SCHEDULES = {
    "": "empty schedule",
    "0 3 * *": "expected exactly 5 fields",
    "0 0 3 * * *": "expected exactly 5 fields",
    "60 * * * *": "minute goes above 59",
    "* 24 * * *": "hour goes above 23",
    "* * 0 * *": "day of month starts below 1",
    "* * * 13 *": "month goes above 12",
    "* * * * 7": "day of week goes above 6",
    "*/0 * * * *": "step must be a positive number",
    "5-1 * * * *": "range starts after it ends",
    "1-2-3 * * * *": "too many hyphens",
    "1/2/3 * * * *": "too many slashes",
    "a * * * *": "'a' is not a number",
    "* * * foo *": "'foo' is not a number or name",
    "1,,2 * * * *": "'' is not a number",
    "-1 * * * *": "is not a number",
    "@reboot": "unrecognized descriptor",
    "@every": "unrecognized descriptor",
    "@every 2": "is not a duration",
    "@every 2 hours": "is not a duration",
    "@every 3000000h": "longer than the longest duration",
    "TZ=UTC 0 3 * * *": "use timezone instead",
    "CRON_TZ=Europe/London @daily": "use timezone instead",
}


@pytest.mark.parametrize("spec", VALID_SCHEDULES)
def test_schedules_robfig_cron_parses_are_accepted(spec):
    assert schedule(spec) is None


@pytest.mark.parametrize(("spec", "fragment"), INVALID_SCHEDULES.items())
def test_schedules_robfig_cron_refuses_are_refused(spec, fragment):
    assert fragment in (schedule(spec) or "")


@pytest.mark.parametrize("text", ["1h", "1h30m", "1.5h", ".5s", "300ms", "1us", "1µs", "10ns", "0", "-1h", "+2m"])
def test_go_durations(text):
    assert go_duration(text) is None


@pytest.mark.parametrize("text", ["", "1", "h", "1d", "1 h", "1h 30m", "1.h.", "--1h"])
def test_not_go_durations(text):
    assert go_duration(text) is not None


@pytest.mark.parametrize(
    "ref",
    [
        "nginx",
        "nginx:1.27",
        "library/nginx:1.27-alpine",
        "docker.io/library/nginx:latest",
        "ghcr.io/a__b/c-d.e:v1.2_3",
        "localhost:5000/x/y:z",
        "registry.lan:5000/team/app@sha256:" + "a" * 64,
        "app:1@sha512:" + "b" * 128,
        "[::1]:5000/app:1",
        "Registry.Example.com/app:1",
        "a" * 200 + ":" + "t" * 128,
    ],
)
def test_image_references_the_grammar_accepts(ref):
    assert image_reference(ref) is None


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("", "is empty"),
        ("nginx :1", "holds whitespace"),
        ("nginx:1\t", "holds whitespace"),
        ("Nginx:1", "must be lowercase"),
        ("example.com/Team/app:1", "must be lowercase"),
        ("a//b:1", "is not a valid name"),
        ("-a:1", "is not a valid name"),
        ("a:" + "t" * 129, "tag"),
        ("a:.t", "tag '.t' is not valid"),
        ("a@sha256:abc", "is not '<algorithm>:<hex>'"),
        ("a@sha256:" + "a" * 63, "a sha256 digest has 64 hex digits"),
        ("a@sha256:" + "A" * 64, "lowercase"),
        ("a@md5", "is not '<algorithm>:<hex>'"),
        ("a" * 256 + ":1", "at most 255"),
    ],
)
def test_image_references_the_grammar_refuses(ref, fragment):
    assert fragment in (image_reference(ref) or "")


@pytest.mark.parametrize(
    ("check", "text", "ok"),
    [
        (names.dns1123_label, "a" * 63, True),
        (names.dns1123_label, "a" * 64, False),
        (names.dns1123_label, "1abc", True),
        (names.dns1123_label, "abc-", False),
        (names.dns1035_label, "1abc", False),
        (names.dns1035_label, "abc1", True),
        (names.dns1123_subdomain, "a.b-c.d", True),
        (names.dns1123_subdomain, "a..b", False),
        (names.qualified_name, "app.kubernetes.io/name", True),
        (names.qualified_name, "Tier_1.x", True),
        (names.qualified_name, "/x", False),
        (names.qualified_name, "a/b/c", False),
        (names.qualified_name, "EXAMPLE.com/x", False),
        (names.qualified_name, "x" * 64, False),
        (names.label_value, "", True),
        (names.label_value, "a" * 63, True),
        (names.label_value, "a" * 64, False),
        (names.label_value, "a b", False),
        (names.label_value, "-a", False),
        (names.port_name, "http", True),
        (names.port_name, "h2c-8080", True),
        (names.port_name, "a" * 15, True),
        (names.port_name, "a" * 16, False),
        (names.port_name, "8080", False),
        (names.port_name, "HTTP", False),
        (names.port_name, "a--b", False),
        (names.port_name, "-ab", False),
        (names.port_name, "a_b", False),
        (names.host, "*.example.org", True),
        (names.host, "*.*.example.org", False),
        (names.host, "a.*.org", False),
    ],
)
def test_names_as_apimachinery_validates_them(check, text, ok):
    assert (check(text) is None) is ok, check(text)


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_time_zones_that_exist(zone):
    assert time_zone(zone) is None


@pytest.mark.parametrize(
    "zone",
    [
        "",
        "Local",
        "local",
        "Mars/Olympus",
        "../etc/passwd",
        "/etc/localtime",
        "Europe/-x",
        "Europe/London_Is_Too_Long_A_Part",
    ],
)
def test_time_zones_refused(zone):
    assert time_zone(zone) is not None


@pytest.mark.parametrize(
    ("small", "large"),
    [("500m", "1"), ("1G", "1Gi"), ("1023Mi", "1Gi"), ("0.1", "101m"), ("16Mi", "64Mi"), ("1k", "1Ki")],
)
def test_quantities_compare_as_the_api_server_does(small, large):
    assert value(small) < value(large)
    assert value("1Gi") == value("1024Mi") and value("1") == value("1000m")
