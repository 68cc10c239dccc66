# Integration tests of athena-local's front: the process (flags, startup
# line, root credentials, clean shutdown), the HTTP layer (raw URIs, body
# limit, keep-alive, concurrency), SigV4 authentication with the AWS error
# names boto3 sees, and routing by X-Amz-Target.

import concurrent.futures
import datetime
import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

import botocore.auth
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_harness import (ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY,  # noqa: E402
                           athena_local, athena_local_path, clean_env, start_athena_local)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MISMATCH_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details.")
TOKEN_MESSAGE = "The security token included in the request is invalid."


def error_of(exc):
    err = exc.response["Error"]
    return err["Code"], err.get("Message", ""), exc.response["ResponseMetadata"]["HTTPStatusCode"]


def run_binary(args, env=None, timeout=20):
    return subprocess.run([athena_local_path(), *args], env=env or clean_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)


class SharedServerTests(unittest.TestCase):
    """Requests against one server with known root keys."""

    @classmethod
    def setUpClass(cls):
        cls._ctx = athena_local()
        cls.srv = cls._ctx.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def assert_json_error(self, result, status, code, message=None):
        got_status, headers, body = result
        self.assertEqual(got_status, status, body)
        self.assertEqual(headers.get("content-type"), "application/x-amz-json-1.1")
        self.assertRegex(headers.get("x-amzn-requestid", ""), UUID)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(body.get("__type"), code, body)
        if message is not None:
            self.assertEqual(body.get("message"), message)
        return body

    # ---- a signed call reaches the service ----

    def test_boto3_call_reaches_athena(self):
        resp = self.srv.client("athena").list_work_groups()
        names = [w["Name"] for w in resp["WorkGroups"]]
        self.assertIn("primary", names)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertRegex(resp["ResponseMetadata"]["RequestId"], UUID)

    def test_request_ids_differ(self):
        ids = {self.srv.signed_request("AmazonAthena.ListWorkGroups", {})[1]["x-amzn-requestid"]
               for _ in range(3)}
        self.assertEqual(len(ids), 3)

    # ---- authentication failures, as boto3 reports them ----

    def test_wrong_secret_is_invalid_signature(self):
        client = self.srv.client("athena", secret_access_key="not-the-secret")
        with self.assertRaises(ClientError) as cm:
            client.list_work_groups()
        self.assertEqual(error_of(cm.exception),
                         ("InvalidSignatureException", MISMATCH_MESSAGE, 403))

    def test_unknown_key_is_unrecognized_client(self):
        client = self.srv.client("athena", access_key_id="AKIAUNKNOWNKEY000000")
        with self.assertRaises(ClientError) as cm:
            client.list_work_groups()
        self.assertEqual(error_of(cm.exception),
                         ("UnrecognizedClientException", TOKEN_MESSAGE, 400))

    def test_session_token_is_rejected(self):
        # Only long-term keys exist: a token never issued here is invalid.
        client = self.srv.client("athena", session_token="FwoGZXIvYXdzEBQaDNotIssuedHere")
        with self.assertRaises(ClientError) as cm:
            client.list_work_groups()
        self.assertEqual(error_of(cm.exception),
                         ("UnrecognizedClientException", TOKEN_MESSAGE, 400))

    def test_missing_authentication(self):
        result = self.srv.raw_request("POST", "/", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonAthena.ListWorkGroups"}, b"{}")
        status, headers, data = result
        self.assert_json_error((status, headers, json.loads(data)), 403,
                               "MissingAuthenticationTokenException",
                               "Missing Authentication Token")

    def test_truncated_authorization_is_incomplete(self):
        headers = self.srv.sign("POST", "/", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonAthena.ListWorkGroups"}, b"{}")
        auth = headers["Authorization"]
        headers["Authorization"] = auth[:auth.index(", Signature=")]
        status, resp_headers, data = self.srv.raw_request("POST", "/", headers, b"{}")
        body = self.assert_json_error((status, resp_headers, json.loads(data)), 400,
                                      "IncompleteSignatureException")
        self.assertIn("Signature", body["message"])

    def test_skewed_clock_is_signature_expired(self):
        past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
            datetime.timedelta(minutes=20)
        client = self.srv.client("athena")
        with mock.patch.object(botocore.auth, "get_current_datetime",
                               lambda remove_tzinfo=True: past):
            with self.assertRaises(ClientError) as cm:
                client.list_work_groups()
        code, message, status = error_of(cm.exception)
        self.assertEqual((code, status), ("InvalidSignatureException", 403))
        self.assertRegex(message, r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                  r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$")
        self.assertIn(past.strftime("%Y%m%dT%H%M%SZ"), message)

    def test_other_region_is_refused(self):
        client = self.srv.client("athena", region="eu-west-1")
        with self.assertRaises(ClientError) as cm:
            client.list_work_groups()
        code, message, status = error_of(cm.exception)
        self.assertEqual((code, status), ("InvalidSignatureException", 403))
        self.assertIn("Credential should be scoped to a valid region, not 'eu-west-1'", message)

    def test_other_service_scope_is_refused(self):
        result = self.srv.signed_request("AmazonAthena.ListWorkGroups", {}, service="glue")
        self.assert_json_error(result, 403, "InvalidSignatureException",
                               "Credential should be scoped to correct service: 'athena'.")

    def test_tampered_body_is_invalid_signature(self):
        headers = self.srv.sign("POST", "/", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonAthena.ListWorkGroups"}, b"{}")
        status, resp_headers, data = self.srv.raw_request("POST", "/", headers, b'{"x":1}')
        self.assert_json_error((status, resp_headers, json.loads(data)), 403,
                               "InvalidSignatureException", MISMATCH_MESSAGE)

    # ---- routing ----

    def test_unknown_target_service(self):
        result = self.srv.signed_request("AmazonFooService.DoThing", {})
        self.assert_json_error(result, 400, "UnknownOperationException",
                               "athena-local does not know the operation "
                               "'AmazonFooService.DoThing'.")

    def test_unknown_athena_operation(self):
        result = self.srv.signed_request("AmazonAthena.NoSuchOperation", {})
        self.assert_json_error(result, 400, "UnknownOperationException")

    def test_malformed_operation_name(self):
        result = self.srv.signed_request("AmazonAthena.list work groups", {})
        self.assert_json_error(result, 400, "UnknownOperationException")

    def test_json_content_type_without_target(self):
        result = self.srv.signed_request(None, {}, headers={
            "Content-Type": "application/x-amz-json-1.1"})
        self.assert_json_error(result, 400, "UnknownOperationException",
                               "The request has no X-Amz-Target header naming an operation.")

    def test_unauthenticated_unknown_target_is_refused_first(self):
        status, headers, data = self.srv.raw_request("POST", "/", {
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonFoo.Bar"},
            b"{}")
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(data)["__type"], "MissingAuthenticationTokenException")

    def test_wrong_content_type_with_target(self):
        result = self.srv.signed_request("AmazonAthena.ListWorkGroups", {},
                                         headers={"Content-Type": "text/plain"})
        self.assert_json_error(result, 400, "SerializationException")

    def test_raw_path_and_query_are_signed_as_sent(self):
        # Were the URI decoded before verification, %2F, %20 and %2B would
        # canonicalize differently and the signature would not match. (Only
        # canonical escapes: botocore signs a URL's query exactly as given.)
        path = "/a%2Fb/c%20d?b=x%2By&a=%2F%3D&empty="
        result = self.srv.signed_request("AmazonAthena.ListWorkGroups", {}, path=path)
        status, _, body = result
        self.assertEqual(status, 200, body)
        self.assertIn("primary", [w["Name"] for w in body["WorkGroups"]])

    def test_query_protocol_errors_are_xml(self):
        form = b"Action=GetFederationToken&Version=2011-06-15&Name=x"
        headers = self.srv.sign("POST", "/", {
            "Content-Type": "application/x-www-form-urlencoded"}, form, service="sts")
        status, _, data = self.srv.raw_request("POST", "/", headers, form)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", data)
        self.assertIn(b"Could not find operation GetFederationToken for version 2011-06-15",
                      data)
        bad = self.srv.client("sts", secret_access_key="wrong")
        with self.assertRaises(ClientError) as cm:
            bad.get_caller_identity()
        self.assertEqual(error_of(cm.exception)[0::2], ("SignatureDoesNotMatch", 403))

    def test_s3_requests_get_s3_errors(self):
        s3 = self.srv.client("s3")
        self.assertIn("Buckets", s3.list_buckets())
        bad = self.srv.client("s3", access_key_id="AKIAUNKNOWNKEY000000")
        with self.assertRaises(ClientError) as cm:
            bad.list_buckets()
        self.assertEqual(error_of(cm.exception)[0::2], ("InvalidAccessKeyId", 403))
        status, headers, data = self.srv.raw_request("GET", "/bucket/key?x=1")
        self.assertEqual(status, 403)
        self.assertEqual(headers["content-type"], "application/xml")
        self.assertIn(b"<Code>AccessDenied</Code>", data)
        self.assertIn(("<RequestId>%s</RequestId>" % headers["x-amzn-requestid"]).encode(), data)

    # ---- HTTP ----

    def test_oversized_body_is_refused_and_connection_stays_usable(self):
        conn = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=60)
        try:
            big = b"{" + b" " * (17 * 1024 * 1024) + b"}"
            status, headers, data = self.srv.raw_request("POST", "/", {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AmazonAthena.ListWorkGroups"}, big, connection=conn)
            body = json.loads(data)
            self.assertEqual(status, 413)
            self.assertEqual(body["__type"], "RequestEntityTooLargeException")
            self.assertEqual(body["message"], "The request body is larger than the 16777216 "
                                              "bytes athena-local accepts.")
            # Same connection, next request: the server read the whole body.
            status, _, body = self.srv.signed_request("AmazonAthena.ListWorkGroups", {},
                                                      connection=conn)
            self.assertEqual(status, 200, body)
        finally:
            conn.close()
        self.assertIsNone(self.srv.process.poll())

    def test_body_at_the_limit_is_accepted(self):
        body = b'{' + b' ' * (16 * 1024 * 1024 - 2) + b'}'
        status, _, resp = self.srv.signed_request("AmazonAthena.ListWorkGroups", body)
        self.assertEqual(status, 200, resp)

    def test_oversized_with_expect_continue_is_refused_before_upload(self):
        sock = socket.create_connection((self.srv.host, self.srv.port), timeout=10)
        try:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonAthena.ListWorkGroups"
                         b"\r\nContent-Type: application/x-amz-json-1.1\r\n"
                         b"Content-Length: 99999999\r\nExpect: 100-continue\r\n\r\n")
            data = b""
            while b"}" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:200])
        self.assertIn(b"RequestEntityTooLargeException", data)

    def test_thirty_two_concurrent_keep_alive_connections(self):
        def worker(_):
            conn = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=30)
            try:
                return [self.srv.signed_request("AmazonAthena.ListWorkGroups", {},
                                                connection=conn)[0] for _ in range(3)]
            finally:
                conn.close()
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            results = list(pool.map(worker, range(32)))
        self.assertEqual(results, [[200, 200, 200]] * 32)

    def test_malformed_http_does_not_hurt_the_server(self):
        for raw in (b"GARBAGE\r\n\r\n", b"POST / HTTP/1.1\r\n\r\n",
                    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab"):
            sock = socket.create_connection((self.srv.host, self.srv.port), timeout=5)
            try:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(65536):
                    pass
            finally:
                sock.close()
        status, _, _ = self.srv.signed_request("AmazonAthena.ListWorkGroups", {})
        self.assertEqual(status, 200)


class ProcessTests(unittest.TestCase):
    """Flags, startup output, credentials and shutdown: one server each."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="athena-local-front-")

    def tearDown(self):
        import shutil
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_listening_line_is_last_and_on_loopback(self):
        with athena_local() as srv:
            last = srv.startup_lines[-1]
            self.assertRegex(last, r"^athena-local listening on http://127\.0\.0\.1:\d+$")
            self.assertNotEqual(srv.port, 0)
            self.assertEqual(srv.url, f"http://127.0.0.1:{srv.port}")
            # With keys from the environment nothing else is printed.
            self.assertEqual(srv.startup_lines, [last])
            socket.create_connection(("127.0.0.1", srv.port), timeout=5).close()

    def test_sigterm_exits_zero_within_five_seconds(self):
        with athena_local() as srv:
            conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
            # Leaves an idle keep-alive connection open during the shutdown.
            srv.signed_request("AmazonAthena.ListWorkGroups", {}, connection=conn)
            started = time.monotonic()
            code = srv.stop(signal.SIGTERM, grace=5)
            self.assertLess(time.monotonic() - started, 5)
            self.assertEqual(code, 0)
            conn.close()

    def test_sigint_exits_zero(self):
        with athena_local() as srv:
            self.assertEqual(srv.stop(signal.SIGINT, grace=5), 0)

    def test_generated_credentials_flow(self):
        data_dir = os.path.join(self.tmp, "new", "data")
        first = start_athena_local(data_dir, access_key_id=None, secret_access_key=None)
        try:
            lines = first.startup_lines
            exports = dict(re.match(r"^export (\w+)=(.*)$", l).groups()
                           for l in lines if l.startswith("export "))
            self.assertEqual(sorted(exports), ["AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL",
                                               "AWS_REGION", "AWS_SECRET_ACCESS_KEY"])
            key, secret = exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"]
            self.assertRegex(key, r"^ALKI[A-Z0-9]{16}$")
            self.assertRegex(secret, r"^[A-Za-z0-9+/]{40}$")
            self.assertEqual(exports["AWS_REGION"], "us-east-1")
            self.assertEqual(exports["AWS_ENDPOINT_URL"], first.url)
            self.assertTrue(lines[-1].startswith("athena-local listening on "))
            path = os.path.join(data_dir, "root-credentials")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            self.assertEqual(stat.S_IMODE(os.stat(data_dir).st_mode), 0o700)
            with open(path) as f:
                text = f.read()
            self.assertIn(f"aws_access_key_id = {key}\n", text)
            self.assertIn(f"aws_secret_access_key = {secret}\n", text)
            first.access_key_id, first.secret_access_key = key, secret
            self.assertIn("primary", [w["Name"] for w in
                                      first.client().list_work_groups()["WorkGroups"]])
        finally:
            self.assertEqual(first.stop(), 0)
        self.assertNotIn(secret, first.stderr_text().replace(
            f"export AWS_SECRET_ACCESS_KEY={secret}", ""))

        second = start_athena_local(data_dir, access_key_id=None, secret_access_key=None)
        try:
            self.assertEqual(len(second.startup_lines), 1, second.startup_lines)
            second.access_key_id, second.secret_access_key = key, secret
            self.assertIn("primary", [w["Name"] for w in
                                      second.client().list_work_groups()["WorkGroups"]])
        finally:
            self.assertEqual(second.stop(), 0)
        self.assertNotIn(secret, second.stderr_text())
        self.assertNotIn("AWS_SECRET_ACCESS_KEY", second.stderr_text())

    def test_environment_keys_win_over_the_file(self):
        data_dir = os.path.join(self.tmp, "data")
        first = start_athena_local(data_dir, access_key_id=None, secret_access_key=None)
        first.stop()
        with athena_local(data_dir=data_dir) as srv:
            self.assertEqual(srv.startup_lines[-1:], srv.startup_lines)
            self.assertIn("primary", [w["Name"] for w in
                                      srv.client().list_work_groups()["WorkGroups"]])
            self.assertNotIn(ROOT_SECRET_ACCESS_KEY, srv.stderr_text())

    def test_loose_credentials_file_is_warned_about(self):
        data_dir = os.path.join(self.tmp, "data")
        os.makedirs(data_dir, mode=0o700)
        path = os.path.join(data_dir, "root-credentials")
        with open(path, "w") as f:
            f.write("aws_access_key_id = ALKILOOSEFILEKEY0001\n"
                    "aws_secret_access_key = loose-file-secret-value\n")
        os.chmod(path, 0o644)
        with athena_local(data_dir=data_dir, access_key_id=None, secret_access_key=None) as srv:
            text = srv.stderr_text()
            self.assertIn(f"warning: {path} is accessible by other users (mode 0644)", text)
            self.assertNotIn("loose-file-secret-value", text)
            srv.access_key_id, srv.secret_access_key = ("ALKILOOSEFILEKEY0001",
                                                        "loose-file-secret-value")
            self.assertEqual(srv.client().list_work_groups()["ResponseMetadata"]
                             ["HTTPStatusCode"], 200)

    def test_broken_credentials_file_is_an_error(self):
        data_dir = os.path.join(self.tmp, "data")
        os.makedirs(data_dir, mode=0o700)
        with open(os.path.join(data_dir, "root-credentials"), "w") as f:
            f.write("aws_access_key_id = ALKIONLYKEYNOSECRET1\n")
        proc = run_binary(["--data-dir", data_dir, "--port", "0"])
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"does not hold a valid aws_access_key_id and aws_secret_access_key",
                      proc.stderr)

    def test_data_dir_from_environment(self):
        data_dir = os.path.join(self.tmp, "from-env")
        proc = subprocess.Popen(
            [athena_local_path(), "--port", "0"],
            env=clean_env(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY,
                          {"ATHENA_LOCAL_DATA_DIR": data_dir}),
            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            line = proc.stderr.readline().decode()
            self.assertRegex(line, r"^athena-local listening on http://127\.0\.0\.1:\d+\n$")
            self.assertTrue(os.path.isdir(os.path.join(data_dir, "s3")))
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(10), 0)
            proc.stderr.close()

    def test_usage(self):
        self.assertEqual(run_binary(["--help"]).returncode, 0)
        self.assertIn(b"--data-dir DIR", run_binary(["--help"]).stdout)
        self.assertRegex(run_binary(["--version"]).stdout.decode(),
                         r"^athena-local \d+\.\d+\.\d+\n$")
        for args, message in (
                (["--bogus"], b"unknown option '--bogus'"),
                (["--port", "0"], b"--data-dir DIR is required"),
                (["--data-dir", self.tmp, "--port", "70000"], b"--port needs a number"),
                (["--data-dir", self.tmp, "--workers", "0"], b"--workers needs a number"),
                (["--data-dir", self.tmp, "--account-id", "12"], b"--account-id must be 12"),
                (["--data-dir", self.tmp, "--region", "US East"], b"--region must be like"),
                (["--data-dir", self.tmp, "stray"], b"unexpected argument 'stray'"),
                (["--data-dir"], b"option --data-dir needs a value")):
            proc = run_binary(args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(message, proc.stderr, args)

    def test_port_in_use_is_a_clear_error(self):
        with athena_local() as srv:
            proc = run_binary(["--data-dir", os.path.join(self.tmp, "d"),
                               "--port", str(srv.port)],
                              env=clean_env(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY))
            self.assertEqual(proc.returncode, 1)
            self.assertIn(f"cannot listen on 127.0.0.1 port {srv.port}".encode(), proc.stderr)

    def test_ipv6_loopback(self):
        try:
            with socket.socket(socket.AF_INET6) as s:
                s.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback on this machine")
        with athena_local(args=["--bind", "::1"]) as srv:
            self.assertRegex(srv.startup_lines[-1],
                             r"^athena-local listening on http://\[::1\]:\d+$")
            self.assertEqual(srv.host, "::1")
            status, _, body = srv.signed_request("AmazonAthena.ListWorkGroups", {})
            self.assertEqual(status, 200, body)

    def test_non_loopback_bind_warns(self):
        with athena_local(args=["--bind", "0.0.0.0"]) as srv:
            self.assertIn("warning: listening on 0.0.0.0, which is not a loopback address",
                          "\n".join(srv.startup_lines[:-1]))
            self.assertRegex(srv.startup_lines[-1],
                             r"^athena-local listening on http://0\.0\.0\.0:\d+$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
