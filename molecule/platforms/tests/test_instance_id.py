"""IMDSv2 proven: each host's instance id came from its own metadata service, token first, and IMDSv1 is refused."""

from tests.bench import imds


def test_the_role_asked_for_a_token_then_for_the_instance_id_with_it(platform):
    asked = [(r["method"], r["path"], r["token"]) for r in imds.requests_seen(platform.imds_port)]
    # Once at converge, once at idempotence: never without the token, never anything else.
    assert asked == [("PUT", "/latest/api/token", False), ("GET", "/latest/meta-data/instance-id", True)] * 2


def test_the_service_refuses_an_imdsv1_request_from_the_host(host, platform):
    fetch = (
        "import urllib.request, urllib.error\n"
        "try:\n"
        f"    urllib.request.urlopen('{imds.url(platform.imds_port)}/latest/meta-data/instance-id', timeout=5)\n"
        "except urllib.error.HTTPError as e:\n"
        "    print(e.code)\n"
    )
    assert host.check_output(f'python3 -c "{fetch}"') == "401"


def test_the_streams_are_named_after_the_instance_id(host, platform):
    conf = host.file("/etc/awslogs/config/logs.conf").content_string
    assert f"log_stream_name = {platform.instance_id}" in conf
