"""nginx-sites: main config and vhosts, parsed with crossplane (context and arity of every directive
checked) and, where nginx is installed, served for real on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from config_test_helpers import FILES, NginxServer, free_port, nginx_binary
from nginx_helpers import args, child, headers, only, parse_fragment, parse_tree, servers_by_name, stage

from tests.no_skips import require

SITES = FILES / "nginx-sites"
PHP_LOCATION_TRY_FILES = ["$uri", "$uri/", "/index.php?$query_string"]


def lay_out(tmp_path: Path, listen_port: int | None = None) -> Path:
    """The three files as the pod mounts them, relocated under ``tmp_path``."""
    etc = tmp_path / "etc"
    (etc / "conf.d").mkdir(parents=True)
    for name in ("mime.types", "fastcgi.conf"):
        system = Path("/etc/nginx") / name
        fallback = "types { text/html html; text/plain txt; }\n" if name == "mime.types" else "fastcgi_param A b;\n"
        (etc / name).write_text(system.read_text() if system.exists() else fallback)
    relocate = {r"/etc/nginx/": f"{etc}/"}
    main = {**relocate, r"/var/run/nginx\.pid": str(tmp_path / "nginx.pid")}
    main[r"^user nginx nginx;"] = "user root root;" if os.geteuid() == 0 else "# user dropped: not root"
    sites = {**relocate, r"/code/": f"{tmp_path}/code/"}
    if listen_port is not None:
        sites[r"listen 80\b"] = f"listen {listen_port}"
    (etc / "nginx.conf").write_text(stage((SITES / "nginx.conf").read_text(), main))
    for name in ("default.conf", "brmartin.conf"):
        (etc / "conf.d" / name).write_text(stage((SITES / name).read_text(), sites))
    return etc / "nginx.conf"


def test_the_whole_tree_parses_with_every_directive_in_its_context(tmp_path):
    files = {Path(entry["file"]).name for entry in parse_tree(lay_out(tmp_path))}
    assert {"nginx.conf", "default.conf", "brmartin.conf", "mime.types", "fastcgi.conf"} <= files


def test_main_config_sets_workers_logging_and_includes_the_vhosts():
    main = parse_fragment(SITES / "nginx.conf")
    assert only(main, "user") == ["nginx", "nginx"]
    assert only(main, "worker_processes") == ["auto"]
    assert only(main, "error_log") == ["stderr", "notice"]
    assert only(main, "pid") == ["/var/run/nginx.pid"]
    assert only(child(main, "events"), "worker_connections") == ["1024"]
    http = child(main, "http")
    assert only(http, "default_type") == ["application/octet-stream"]
    assert only(http, "access_log") == ["off"]
    assert only(http, "sendfile") == ["on"]
    assert only(http, "keepalive_timeout") == ["65"]
    assert ["/etc/nginx/mime.types"] in args(http, "include")
    assert args(http, "include")[-1] == ["/etc/nginx/conf.d/*.conf"]


def test_default_vhost_is_the_martinilink_catch_all_with_php_and_health():
    default = parse_fragment(SITES / "default.conf")
    assert only(child(default, "upstream", "php"), "server") == ["127.0.0.1:9000"]
    server = servers_by_name(default)["_"]
    assert only(server, "listen") == ["80", "default_server"]
    assert only(server, "root") == ["/code/martinilink.co.uk.catall"]
    assert only(server, "index") == ["index.php"]
    health = child(server, "location", "=", "/health")
    assert only(health, "return") == ["200", "OK"]
    assert only(health, "default_type") == ["text/plain"]
    assert only(health, "access_log") == ["off"]
    assert only(child(server, "location", "/"), "try_files") == PHP_LOCATION_TRY_FILES
    php = child(server, "location", "~", r"\.php$")
    assert only(php, "fastcgi_pass") == ["php"]
    assert only(php, "include") == ["/etc/nginx/fastcgi.conf"]


def test_bare_brmartin_domain_redirects_permanently_to_www():
    redirect = servers_by_name(parse_fragment(SITES / "brmartin.conf"))["brmartin.co.uk"]
    assert only(redirect, "listen") == ["80"]
    assert only(redirect, "return") == ["301", "https://www.$host$request_uri"]


def test_www_brmartin_serves_the_site_with_security_headers_and_guarded_php():
    site = servers_by_name(parse_fragment(SITES / "brmartin.conf"))["www.brmartin.co.uk"]
    assert only(site, "listen") == ["80"]
    assert only(site, "root") == ["/code/brmartin.co.uk"]
    assert only(site, "index") == ["index.php", "index.html"]
    assert headers(site) == {
        "Access-Control-Allow-Origin": "https://www.brmartin.co.uk",
        "X-XSS-Protection": "1; mode=block",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "X-Frame-Options": "SAMEORIGIN",
    }
    assert only(child(site, "location", "/"), "try_files") == PHP_LOCATION_TRY_FILES
    php = child(site, "location", "~*", r"\.php$")
    assert only(php, "try_files") == ["$uri", "=404"]
    assert only(php, "fastcgi_pass") == ["php"]


@pytest.fixture
def live_sites(tmp_path):
    binary = nginx_binary()
    port = free_port()
    for site in ("brmartin.co.uk", "martinilink.co.uk.catall"):
        (tmp_path / "code" / site).mkdir(parents=True)
        (tmp_path / "code" / site / "hello.txt").write_text(f"hello from {site}\n")
    require(os.geteuid() == 0, "the live test serves files as root only")
    with NginxServer(binary, lay_out(tmp_path, listen_port=port), port) as server:
        yield server


def test_live_health_answers_ok_as_plain_text_on_any_host(live_sites):
    status, response_headers, body = live_sites.get("/health", host="unknown.example")
    assert (status, body) == (200, "OK")
    assert response_headers["Content-Type"].startswith("text/plain")


def test_live_bare_domain_redirects_keeping_the_path(live_sites):
    status, response_headers, _ = live_sites.get("/blog/post?id=3", host="brmartin.co.uk")
    assert status == 301
    assert response_headers["Location"] == "https://www.brmartin.co.uk/blog/post?id=3"


def test_live_www_site_serves_files_with_headers_and_404s_unknown_php(live_sites):
    status, response_headers, body = live_sites.get("/hello.txt", host="www.brmartin.co.uk")
    assert (status, body) == (200, "hello from brmartin.co.uk\n")
    assert response_headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response_headers["X-Frame-Options"] == "SAMEORIGIN"
    assert live_sites.get("/nothing.php", host="www.brmartin.co.uk")[0] == 404


def test_live_unknown_hosts_get_the_martinilink_catch_all(live_sites):
    status, _, body = live_sites.get("/hello.txt", host="martinilink.co.uk")
    assert (status, body) == (200, "hello from martinilink.co.uk.catall\n")
