# athena-local with the unmodified AWS SDK for JavaScript v3: runs
# tests/js/smoke.mjs (S3, Glue and Athena through @aws-sdk/client-*, pinned
# by tests/js/package-lock.json and installed by scripts/setup.sh into
# .deps/js) against a fresh server, passing the endpoint and the root key in
# the environment, and fails with the script's own message when any check
# in it fails. Skipped only when node is not installed; a missing SDK
# install is a failure that says to run scripts/setup.sh.
#
# CopySourceEncodingTest needs no node: it sends x-amz-copy-source encoded
# as a whole, the way JavaScript's encodeURIComponent(`${bucket}/${key}`)
# does, which S3 accepts.

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_harness import athena_local  # noqa: E402

JS_DIR = os.path.join(harness.SOURCE_DIR, "tests", "js")
SMOKE_SCRIPT = os.path.join(JS_DIR, "smoke.mjs")
SDK_DIR = os.environ.get("ATHENA_JS_SDK_DIR") or os.path.join(harness.SOURCE_DIR, ".deps", "js")
PINNED_CLIENTS = ("client-athena", "client-glue", "client-s3")
SMOKE_TIMEOUT = 240  # seconds; a run takes a few (ctest allows 300 in all)


def node_path():
    return shutil.which("node")


def sdk_env(srv, home):
    """The script's environment: the caller's minus any AWS_* setting, plus
    this server's endpoint, region and root key, and an empty HOME so that
    no ~/.aws file can take part."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "ATHENA_LOCAL_ENDPOINT": srv.url,
        "ATHENA_JS_SDK_DIR": SDK_DIR,
        "AWS_REGION": srv.region,
        "AWS_ACCESS_KEY_ID": srv.access_key_id,
        "AWS_SECRET_ACCESS_KEY": srv.secret_access_key,
        "AWS_EC2_METADATA_DISABLED": "true",
        # Newer SDK releases will want node >= 22; the pinned one runs on 20.
        "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED": "true",
        "HOME": home,
    })
    return env


class JsSdkTest(unittest.TestCase):

    def setUp(self):
        if not node_path():
            print("skipping: node is not installed (the AWS SDK for JavaScript needs it)")
            self.skipTest("node is not installed")
        missing = [name for name in PINNED_CLIENTS if not os.path.isfile(
            os.path.join(SDK_DIR, "node_modules", "@aws-sdk", name, "package.json"))]
        if missing:
            self.fail(f"{', '.join('@aws-sdk/' + name for name in missing)} not installed "
                      f"under {SDK_DIR}: run scripts/setup.sh")

    def run_smoke(self, srv):
        home = tempfile.mkdtemp(prefix="athena-js-home-")
        try:
            return subprocess.run([node_path(), SMOKE_SCRIPT], env=sdk_env(srv, home),
                                  cwd=JS_DIR, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=SMOKE_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            # (its captured output may be bytes even in text mode)
            so_far = "".join(part.decode("utf-8", "replace") if isinstance(part, bytes) else part
                             for part in (e.stdout or "", e.stderr or ""))
            self.fail(f"node {os.path.basename(SMOKE_SCRIPT)} still running after "
                      f"{SMOKE_TIMEOUT}s; its output so far:\n{so_far}")
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def test_smoke_script_passes(self):
        with athena_local() as srv:
            done = self.run_smoke(srv)
            print(done.stdout, end="")
            if done.returncode != 0:
                self.fail(f"node {os.path.basename(SMOKE_SCRIPT)} exited {done.returncode}:\n"
                          f"{done.stderr}\n--- athena-local stderr (tail) ---\n"
                          f"{srv.stderr_text()[-4000:]}")
            self.assertIn("js-sdk smoke test passed", done.stdout)
            self.assertTrue(srv.process.poll() is None, "athena-local exited during the run")
        # A clean stop (under ASan: no leak or error report either).
        self.assertEqual(srv.process.returncode, 0,
                         f"athena-local exit status; stderr:\n{srv.stderr_text()[-4000:]}")


class CopySourceEncodingTest(unittest.TestCase):

    def test_copy_source_encoded_as_a_whole(self):
        with athena_local() as srv:
            s3 = srv.client("s3", s3={"addressing_style": "path"})
            s3.create_bucket(Bucket="copy-src")
            s3.put_object(Bucket="copy-src", Key="dir/a b+é.txt", Body=b"payload")
            sources = {
                "whole": urllib.parse.quote("copy-src/dir/a b+é.txt", safe=""),
                "whole-leading-slash": urllib.parse.quote("/copy-src/dir/a b+é.txt", safe=""),
                "key-only": "copy-src/" + urllib.parse.quote("dir/a b+é.txt", safe=""),
            }
            for name, source in sources.items():
                path = f"/copy-src/copies/{name}"
                headers = srv.sign("PUT", path, {"x-amz-copy-source": source}, service="s3")
                status, _, body = srv.raw_request("PUT", path, headers)
                self.assertEqual(status, 200, (source, body))
                self.assertIn(b"<CopyObjectResult", body)
                got = s3.get_object(Bucket="copy-src", Key=f"copies/{name}")["Body"].read()
                self.assertEqual(got, b"payload", source)
            # A value that names no key is still refused.
            for source in ("copy-src%2F", "copy-src", "%2Fcopy-src", "%2F%2Fcopy-src%2Fx"):
                headers = srv.sign("PUT", "/copy-src/bad", {"x-amz-copy-source": source},
                                   service="s3")
                status, _, body = srv.raw_request("PUT", "/copy-src/bad", headers)
                self.assertEqual(status, 400, (source, body))
                self.assertIn(b"<Code>InvalidArgument</Code>", body)


if __name__ == "__main__":
    unittest.main()
