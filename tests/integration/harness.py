# Shared helpers for the integration tests that run real processes.
#
# - start_moto(): a moto_server on a free loopback port with IAM auth
#   (INITIAL_NO_AUTH_ACTION_COUNT), stopped for sure at teardown.
# - run_athena() / spawn_athena(): our `athena` CLI from ATHENA_BIN_DIR in a
#   clean environment (fresh temporary HOME, no inherited AWS_* variables).
# - ScriptedAthena: a tiny scripted Athena JSON endpoint (http.server in a
#   thread) that records every request and verifies its SigV4 signature
#   independently with botocore, for behaviour moto cannot produce (a query
#   that stays RUNNING, paging with NextToken, ...).
#
# Only the standard library plus the machine image's boto3/botocore/moto are
# used; every test file imports this module from its own directory.

import atexit
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

# Our own HTTP calls (boto3, urllib) go to loopback and never via a proxy.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

SOURCE_DIR = os.environ.get(
    "ATHENA_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN_DIR = os.environ.get("ATHENA_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))

# moto's default account; IAM users created without auth live there.
MOTO_ACCOUNT_ID = "123456789012"

# Credentials used only to make the unauthenticated setup calls to moto.
SETUP_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SETUP_SECRET = "setup-secret-not-checked-by-moto"


def athena_path():
    return os.path.join(BIN_DIR, "athena")


def require_athena(testcase):
    """Fail (not skip) with a clear message when the CLI was not built."""
    path = athena_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        testcase.fail(f"athena binary not found at {path} (set ATHENA_BIN_DIR)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Poll predicate() until truthy; return its value or raise AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _clean_base_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


# --------------------------------------------------------------------------
# moto_server
# --------------------------------------------------------------------------

_live_processes = set()


@atexit.register
def _kill_leftovers():
    for proc in list(_live_processes):
        _stop_process(proc)


try:  # resolved now: a forked child must not import or load anything
    import ctypes
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except Exception:  # not Linux/glibc: children just are not tied to us
    _prctl = None


def _die_with_parent():
    """preexec_fn: have Linux SIGTERM the child if this test process dies
    (e.g. killed by a CTest timeout), so no moto_server is left behind."""
    if _prctl is not None:
        _prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG


def _stop_process(proc, grace=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(grace)
    _live_processes.discard(proc)


class MotoServer:
    """A moto_server process. Use start_moto(); works as a context manager.

    moto counts every service call (any service, any caller) while
    request_count < INITIAL_NO_AUTH_ACTION_COUNT and lets it through without
    any check; from then on each call is SigV4-verified against the IAM
    access key's secret and its action ("<service>:<Operation>", resource
    "*" for Athena) is evaluated against the user's policies. /moto-api/
    calls (result injection, reset-auth) are never counted nor checked.
    """

    def __init__(self, no_auth_count=None, env_extra=None):
        self.env = _clean_base_env()
        if no_auth_count is not None:
            self.env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(no_auth_count)
        self.env.update(env_extra or {})
        self.proc = None
        self.port = None
        self._log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts=3, timeout=60):
        last_error = None
        for _ in range(attempts):
            self.port = free_port()
            self._log = tempfile.NamedTemporaryFile(
                prefix="moto-", suffix=".log", delete=False)
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server",
                 "-H", "127.0.0.1", "-p", str(self.port)],
                env=self.env, stdin=subprocess.DEVNULL,
                stdout=self._log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent)
            _live_processes.add(self.proc)
            try:
                wait_until(self._answers, timeout, 0.1, "moto_server to answer")
                return self
            except AssertionError as e:  # port race or slow start: retry
                last_error = f"{e}; log:\n{self.log_text()}"
                self.stop()
        raise RuntimeError(f"moto_server did not start: {last_error}")

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"moto_server exited with {self.proc.returncode}")
        try:
            status, _ = self.request("GET", "/moto-api/data.json", timeout=2)
            return status > 0
        except OSError:
            return False

    def stop(self):
        if self.proc is not None:
            _stop_process(self.proc)
        if self._log is not None:
            self._log.close()

    def log_text(self, tail=4000):
        if self._log is None:
            return ""
        try:
            with open(self._log.name, "rb") as f:
                return f.read().decode("utf-8", "replace")[-tail:]
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if self._log is not None:
            try:
                os.unlink(self._log.name)
            except OSError:
                pass
        return False

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def require_auth_now(self):
        """Turn SigV4 + IAM checks on for every following call.

        POST /moto-api/reset-auth sets INITIAL_NO_AUTH_ACTION_COUNT to the
        body and resets the counter. The body must not look like a form,
        or werkzeug swallows it: send text/plain.
        """
        status, body = self.request("POST", "/moto-api/reset-auth", b"0",
                                    {"Content-Type": "text/plain"})
        if status != 200:
            raise RuntimeError(f"reset-auth failed: {status} {body!r}")

    def inject_athena_results(self, results, region="us-east-1",
                              account_id=MOTO_ACCOUNT_ID):
        """Queue results (list of {"rows": [...], "column_info": [...]}).

        Each StartQueryExecution pops the next queued result and binds it to
        the new QueryExecutionId; GetQueryResults then returns all its rows
        in one page (moto ignores MaxResults and never sends NextToken).
        """
        payload = json.dumps({"account_id": account_id, "region": region,
                              "results": results}).encode()
        status, body = self.request(
            "POST", "/moto-api/static/athena/query-results", payload,
            {"Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"athena result injection failed: {status} {body!r}")

    def boto3_client(self, service, key_id=SETUP_KEY_ID, secret=SETUP_SECRET,
                     region="us-east-1"):
        import boto3
        from botocore.config import Config
        return boto3.client(
            service, endpoint_url=self.url, region_name=region,
            aws_access_key_id=key_id, aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}, proxies={}))


def start_moto(env_extra=None, no_auth_count=None):
    """Start moto_server and return it (use as `with start_moto(...) as moto`).

    no_auth_count sets INITIAL_NO_AUTH_ACTION_COUNT (unset = never check).
    """
    return MotoServer(no_auth_count=no_auth_count, env_extra=env_extra).start()


# --------------------------------------------------------------------------
# The athena CLI
# --------------------------------------------------------------------------

def _cli_env(home, env):
    full = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": home,
    }
    full.update(env or {})
    return full


def run_athena(args, env=None, input=None, timeout=60, home=None, text=True):
    """Run ATHENA_BIN_DIR/athena with a clean environment.

    Returns (returncode, stdout, stderr), str when text else bytes. A fresh
    temporary HOME is used (and removed) unless home is given.
    """
    own_home = home is None
    if own_home:
        home = tempfile.mkdtemp(prefix="athena-home-")
    try:
        if isinstance(input, str):
            input = input.encode()
        try:
            proc = subprocess.run(
                [athena_path()] + list(args), env=_cli_env(home, env),
                input=input, stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True, timeout=timeout, cwd=home)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(
                f"athena {args} did not finish within {timeout}s; "
                f"stderr so far: {e.stderr!r}") from None
        out, err = proc.stdout, proc.stderr
        if text:
            out = out.decode("utf-8", "replace")
            err = err.decode("utf-8", "replace")
        return proc.returncode, out, err
    finally:
        if own_home:
            shutil.rmtree(home, ignore_errors=True)


class AthenaProcess:
    """A background athena process (for signals). Context manager."""

    def __init__(self, args, env=None, home=None):
        self._own_home = home is None
        self.home = home or tempfile.mkdtemp(prefix="athena-home-")
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [athena_path()] + list(args), env=_cli_env(self.home, env),
            stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err,
            cwd=self.home, preexec_fn=_die_with_parent)
        _live_processes.add(self.proc)

    def send_signal(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)

    def running(self):
        return self.proc.poll() is None

    def output(self):
        texts = []
        for f in (self._out, self._err):
            f.seek(0)
            texts.append(f.read().decode("utf-8", "replace"))
        return texts[0], texts[1]

    def wait(self, timeout=30):
        """Return (returncode, stdout, stderr); AssertionError on timeout."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _stop_process(self.proc, grace=5)
            out, err = self.output()
            raise AssertionError(
                f"athena did not exit within {timeout}s; stderr: {err!r}") from None
        out, err = self.output()
        return rc, out, err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _stop_process(self.proc, grace=5)
        self._out.close()
        self._err.close()
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)
        return False


def spawn_athena(args, env=None, home=None):
    return AthenaProcess(args, env=env, home=home)


# --------------------------------------------------------------------------
# Independent SigV4 verification (botocore)
# --------------------------------------------------------------------------

class _ExactHeadersSigV4(SigV4Auth):
    """SigV4Auth that signs exactly the headers given, none dropped.

    botocore's own signer leaves out e.g. user-agent; a client may sign it
    and AWS accepts that, so the verifier must not drop it.
    """

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name, value in request.headers.items():
            header_map[name.lower()] = value
        return header_map


def parse_authorization(value):
    """Split 'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'."""
    algorithm, _, rest = value.partition(" ")
    fields = {}
    for part in rest.split(","):
        key, _, val = part.strip().partition("=")
        fields[key] = val
    return algorithm, fields


def verify_sigv4(method, host, path, headers, body, credentials):
    """Verify a request's SigV4 Authorization header with botocore.

    headers: list of (name, value) as received; credentials: {key_id: secret}.
    Returns (ok, reason, signature_sent).
    """
    def get_all(name):
        return [v for k, v in headers if k.lower() == name]

    auth_values = get_all("authorization")
    if len(auth_values) != 1:
        return False, "missing or repeated Authorization header", None
    algorithm, fields = parse_authorization(auth_values[0])
    signature = fields.get("Signature", "")
    if algorithm != "AWS4-HMAC-SHA256":
        return False, f"algorithm {algorithm!r}", signature
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return False, f"bad credential scope {fields.get('Credential')!r}", signature
    key_id, scope_date, region, service, _ = scope
    if key_id not in credentials:
        return False, f"unknown access key {key_id}", signature
    amz_dates = get_all("x-amz-date")
    if len(amz_dates) != 1 or amz_dates[0][:8] != scope_date:
        return False, "X-Amz-Date missing or not matching the scope date", signature
    signed = fields.get("SignedHeaders", "").split(";")
    if signed != sorted(signed) or "host" not in signed or "x-amz-date" not in signed:
        return False, f"SignedHeaders {signed!r} unsorted or lacking host/x-amz-date", signature
    body_hash = hashlib.sha256(body).hexdigest()
    for claimed in get_all("x-amz-content-sha256"):
        if claimed != body_hash:
            return False, f"X-Amz-Content-Sha256 {claimed!r} is not the body hash", signature

    signed_headers = {}
    for name in signed:
        values = get_all(name)
        if not values:
            return False, f"signed header {name!r} not sent", signature
        signed_headers[name] = ",".join(" ".join(v.split()) for v in values)

    request = AWSRequest(method=method, url=f"http://{host}{path}",
                         data=body, headers=signed_headers)
    request.context["timestamp"] = amz_dates[0]
    auth = _ExactHeadersSigV4(Credentials(key_id, credentials[key_id]), service, region)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, signature):
        return False, "signature mismatch", signature
    return True, "ok", signature


# --------------------------------------------------------------------------
# Scripted Athena endpoint
# --------------------------------------------------------------------------

class RecordedRequest:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers            # list of (name, value) as received
        self.body = body                  # bytes
        self.target = self.header("x-amz-target") or ""
        self.operation = self.target.rpartition(".")[2]
        try:
            self.json = json.loads(body.decode("utf-8")) if body else {}
        except ValueError:
            self.json = None
        self.signed_ok = False
        self.sig_reason = "not checked"
        self.signature = None
        self.time = time.monotonic()

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def __repr__(self):
        return (f"<{self.method} {self.target or self.path} signed_ok={self.signed_ok}"
                f" ({self.sig_reason}) body={self.body[:200]!r}>")


def athena_error(code, message, status=400):
    return status, {"__type": code, "Message": message}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients closing keep-alive connections are normal; report the rest.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class ScriptedAthena:
    """An Athena JSON 1.1 endpoint answering from a script.

    handlers: {"StartQueryExecution": fn(recorded_request) -> dict or
    (status, dict)}. Unscripted operations get an InvalidRequestException.
    credentials: {key_id: secret} used to verify each request's signature
    (a request with a bad signature is still answered per the script; the
    test decides what to assert about signed_ok).
    """

    def __init__(self, handlers, credentials):
        self.handlers = dict(handlers)
        self.credentials = dict(credentials)
        self.requests = []
        self._cond = threading.Condition()
        self._server = None
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _read_body(self):
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self):
                body = self._read_body()
                rec = RecordedRequest(self.command, self.path,
                                      list(self.headers.items()), body)
                host = rec.header("host") or f"127.0.0.1:{owner.port}"
                try:
                    rec.signed_ok, rec.sig_reason, rec.signature = verify_sigv4(
                        self.command, host, self.path, rec.headers, body,
                        owner.credentials)
                except Exception as e:  # a verifier crash is a failed check
                    rec.signed_ok, rec.sig_reason = False, f"verifier error: {e!r}"
                status, payload = owner._answer(rec)
                with owner._cond:
                    owner.requests.append(rec)
                    owner._cond.notify_all()
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET = do_PUT = do_DELETE = _handle

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def _answer(self, rec):
        handler = self.handlers.get(rec.operation)
        if handler is None:
            return athena_error("InvalidRequestException",
                                f"unscripted operation {rec.target!r}")
        try:
            result = handler(rec)
        except Exception as e:
            return athena_error("InternalServerException", f"script error: {e!r}", 500)
        if isinstance(result, tuple):
            return result
        return 200, result

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def calls(self, operation):
        with self._cond:
            return [r for r in self.requests if r.operation == operation]

    def wait_for_calls(self, operation, count, timeout):
        """Block until `count` calls of operation were seen; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [r for r in self.requests if r.operation == operation]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} x {operation};"
                        f" seen: {self.requests!r}")
                self._cond.wait(min(left, 0.2))
