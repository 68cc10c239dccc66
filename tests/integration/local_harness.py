# Helpers for integration tests that run athena-local itself.
#
#     from local_harness import athena_local
#
#     with athena_local() as srv:            # temp data dir, known root keys
#         athena = srv.client("athena")      # boto3 client for this server
#         athena.list_work_groups()
#         status, headers, body = srv.signed_request(
#             target="AmazonAthena.ListWorkGroups", body={})
#
# athena_local() starts the binary (ATHENA_BIN_DIR/athena-local, or the
# ATHENA_LOCAL_BIN override) on a free loopback port in a clean environment,
# waits for its "athena-local listening on ..." line, and on exit stops it
# with SIGTERM (SIGKILL if it hangs) and removes the temporary data dir. The
# process is also killed if the test process dies. Only the standard library
# plus the image's boto3/botocore are used.

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

import boto3
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import harness

# Known root keys the tests sign with (never real credentials).
ROOT_ACCESS_KEY_ID = "ALKITESTROOTKEY00001"
ROOT_SECRET_ACCESS_KEY = "test-root-secret/for+athena-local/tests0"
DEFAULT_REGION = "us-east-1"

LISTENING = re.compile(r"^athena-local listening on (http://(\[[^\]]+\]|[^:/]+):(\d+))$")
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


def athena_local_path():
    return os.environ.get("ATHENA_LOCAL_BIN") or os.path.join(harness.BIN_DIR, "athena-local")


def clean_env(access_key_id=None, secret_access_key=None, extra=None):
    """The environment athena-local runs in: no AWS_* nor ATHENA_LOCAL_*
    from the caller, plus the root keys when given."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and not k.startswith("ATHENA_LOCAL_")}
    if access_key_id is not None:
        env["ATHENA_LOCAL_ACCESS_KEY_ID"] = access_key_id
    if secret_access_key is not None:
        env["ATHENA_LOCAL_SECRET_ACCESS_KEY"] = secret_access_key
    env.update(extra or {})
    return env


class LocalServer:
    """A running athena-local. Attributes: url, host, port, data_dir, region,
    access_key_id, secret_access_key (None when the server generated its own
    and the test did not read them), startup_lines (stderr up to and
    including the listening line), process."""

    def __init__(self, process, data_dir, region, access_key_id, secret_access_key):
        self.process = process
        self.data_dir = data_dir
        self.region = region
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.url = self.host = self.port = None
        self.startup_lines = []
        self._lines = []
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    # ---- stderr ----

    def _read_stderr(self):
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self._lines.append(line)
                if not self._listening.is_set():
                    match = LISTENING.match(line)
                    if match:
                        self.url = match.group(1)
                        self.host = match.group(2).strip("[]")
                        self.port = int(match.group(3))
                        self.startup_lines = list(self._lines)
                        self._listening.set()
        self._listening.set()  # EOF: wake a waiter; it sees the exit

    def stderr_text(self):
        """Everything the server printed on stderr so far."""
        with self._lock:
            return "\n".join(self._lines)

    def wait_listening(self, timeout):
        if not self._listening.wait(timeout) or self.port is None:
            self.stop(grace=2)
            raise AssertionError(
                f"athena-local did not print its listening line within {timeout}s "
                f"(exit code {self.process.returncode}); stderr:\n{self.stderr_text()}")

    # ---- lifecycle ----

    def stop(self, sig=signal.SIGTERM, grace=5):
        """Signals the server and waits; returns its exit code. Kills it
        (and returns that code) if it does not exit within grace seconds."""
        proc = self.process
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(grace)
        self._reader.join(2)
        if not self._reader.is_alive():
            proc.stderr.close()
        harness._live_processes.discard(proc)
        return proc.returncode

    # ---- clients ----

    def credentials(self):
        return Credentials(self.access_key_id, self.secret_access_key)

    def client(self, service="athena", access_key_id=None, secret_access_key=None,
               region=None, session_token=None, max_attempts=1, **kwargs):
        """A boto3 client for this server (no retries unless asked)."""
        config = Config(retries={"total_max_attempts": max_attempts, "mode": "standard"},
                        **kwargs)
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region or self.region,
            aws_access_key_id=access_key_id or self.access_key_id,
            aws_secret_access_key=secret_access_key or self.secret_access_key,
            aws_session_token=session_token,
            config=config)

    def raw_request(self, method, path, headers=None, body=b"", connection=None, timeout=30):
        """Sends one request as is; returns (status, headers dict with
        lower-case names, body bytes). Reuses connection when given."""
        conn = connection or http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            if connection is None:
                conn.close()

    def sign(self, method, path, headers=None, body=b"", service="athena", region=None,
             access_key_id=None, secret_access_key=None, session_token=None):
        """Signs a request with botocore's SigV4 (S3 rules for service "s3");
        returns the headers to send."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        creds = Credentials(access_key_id or self.access_key_id,
                            secret_access_key or self.secret_access_key, session_token)
        request = AWSRequest(method=method, url=self.url + path, data=body,
                             headers=dict(headers or {}))
        signer = S3SigV4Auth if service == "s3" else SigV4Auth
        signer(creds, service, region or self.region).add_auth(request)
        return dict(request.headers.items())

    def signed_request(self, target=None, body=None, method="POST", path="/", headers=None,
                       service="athena", connection=None, **sign_args):
        """A signed awsJson request (X-Amz-Target when target is given).
        Returns (status, headers, parsed JSON body or raw bytes)."""
        payload = b"" if body is None else (
            body if isinstance(body, bytes) else json.dumps(body).encode())
        all_headers = {"Content-Type": JSON_CONTENT_TYPE} if target else {}
        if target:
            all_headers["X-Amz-Target"] = target
        all_headers.update(headers or {})
        signed = self.sign(method, path, all_headers, payload, service=service, **sign_args)
        status, resp_headers, data = self.raw_request(method, path, signed, payload,
                                                      connection=connection)
        try:
            return status, resp_headers, json.loads(data) if data else None
        except ValueError:
            return status, resp_headers, data


def start_athena_local(data_dir, access_key_id=ROOT_ACCESS_KEY_ID,
                       secret_access_key=ROOT_SECRET_ACCESS_KEY, region=DEFAULT_REGION,
                       args=(), env_extra=None, timeout=30):
    """Starts athena-local on data_dir and waits until it listens. Pass
    access_key_id=None and secret_access_key=None to let it use or generate
    DATA_DIR/root-credentials. The caller must stop() it (athena_local()
    does)."""
    path = athena_local_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise AssertionError(f"athena-local not found at {path} (set ATHENA_BIN_DIR)")
    cmd = [path, "--data-dir", data_dir, "--port", "0", "--region", region, *args]
    proc = subprocess.Popen(
        cmd, env=clean_env(access_key_id, secret_access_key, env_extra),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=harness._die_with_parent)
    harness._live_processes.add(proc)
    server = LocalServer(proc, data_dir, region, access_key_id, secret_access_key)
    server.wait_listening(timeout)
    return server


@contextlib.contextmanager
def athena_local(data_dir=None, keep_data_dir=False, **kwargs):
    """Context manager around start_athena_local(): a fresh temporary data
    dir unless data_dir is given (a given one is never removed)."""
    made = None
    if data_dir is None:
        made = tempfile.mkdtemp(prefix="athena-local-test-")
        data_dir = os.path.join(made, "data")
    server = None
    try:
        server = start_athena_local(data_dir, **kwargs)
        yield server
    finally:
        if server is not None:
            server.stop()
        if made and not keep_data_dir:
            shutil.rmtree(made, ignore_errors=True)

