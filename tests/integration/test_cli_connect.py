# `athena connect NAME` against athena-local (root keys): the scripted form
# (--secret-stdin plus flags) and the interactive one (on a pseudo
# terminal, the secret typed without echo). Checks that the profile lands
# in the credentials and config files with mode 0600, that other profiles
# and comments stay byte for byte, that a second connect replaces only the
# profile's own keys, that the doctor runs on the new profile and decides
# the exit status, and that the secret never appears on stdout, stderr or
# the terminal.

import os
import pty
import select
import shutil
import signal
import stat
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402

OTHER_CONFIG = ("# hand-written, keep me\n"
                "[default]\n"
                "region = eu-central-1\n"
                "\n"
                "[profile prod] ; production\n"
                "region = us-west-2\n"
                "athena_workgroup = prod\n")
OTHER_CREDENTIALS = ("[default]\n"
                     "aws_access_key_id = AKIAOTHEROTHEROTHER1\n"
                     "aws_secret_access_key = other-secret-stays-put\n")


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class ConnectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        cls.server_cm = athena_local()
        cls.srv = cls.server_cm.__enter__()
        cls.srv.client("s3").create_bucket(Bucket="results")
        run_query(cls.srv.client(), "CREATE DATABASE sales")

    @classmethod
    def tearDownClass(cls):
        cls.server_cm.__exit__(None, None, None)

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="athena-connect-")
        self.aws = os.path.join(self.home, ".aws")

    def tearDown(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def read(self, name):
        with open(os.path.join(self.aws, name)) as f:
            return f.read()

    def seed_other_profiles(self):
        os.makedirs(self.aws, mode=0o700)
        for name, text in (("config", OTHER_CONFIG), ("credentials", OTHER_CREDENTIALS)):
            with open(os.path.join(self.aws, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(self.aws, name), 0o644)

    def connect(self, name="dot", secret=None, extra=(), env=None):
        args = ["connect", name, "--secret-stdin",
                "--access-key-id", self.srv.access_key_id, "--region", "us-east-1",
                "--endpoint-url", self.srv.url, "--workgroup", "primary",
                "--output-location", "s3://results/connect/", *extra]
        secret = self.srv.secret_access_key if secret is None else secret
        return harness.run_athena(args, input=secret + "\n", home=self.home, env=env)

    def assert_no_secret(self, *texts):
        for text in texts:
            self.assertNotIn(self.srv.secret_access_key, text)
            self.assertNotIn(self.srv.secret_access_key[:12], text)

    def test_scripted_connect_writes_the_profile(self):
        self.seed_other_profiles()
        rc, out, err = self.connect()
        self.assertEqual(rc, 0, out + err)
        self.assert_no_secret(out, err)
        self.assertIn("Saved profile 'dot'", out)
        self.assertIn("Verdict: everything the connector needs works", out)
        self.assertEqual(mode_of(os.path.join(self.aws, "config")), 0o600)
        self.assertEqual(mode_of(os.path.join(self.aws, "credentials")), 0o600)
        config, creds = self.read("config"), self.read("credentials")
        self.assertTrue(config.startswith(OTHER_CONFIG), config)
        self.assertTrue(creds.startswith(OTHER_CREDENTIALS), creds)
        self.assertEqual(config[len(OTHER_CONFIG):],
                         "\n[profile dot]\nregion = us-east-1\nathena_workgroup = primary\n"
                         "athena_output_location = s3://results/connect/\n"
                         f"endpoint_url = {self.srv.url}\n")
        self.assertEqual(creds[len(OTHER_CREDENTIALS):],
                         f"\n[dot]\naws_access_key_id = {self.srv.access_key_id}\n"
                         f"aws_secret_access_key = {self.srv.secret_access_key}\n")
        self.assertEqual(sorted(os.listdir(self.aws)), ["config", "credentials"])
        # The saved profile works for queries.
        rc, out, err = harness.run_athena(["--profile", "dot", "--output", "csv", "query",
                                           "SELECT 40 + 2 AS answer"], home=self.home)
        self.assertEqual((rc, out), (0, "answer\n42\n"), err)

    def test_reconnect_replaces_only_the_profile_keys(self):
        rc, out, err = self.connect(extra=["--database", "sales"])
        self.assertEqual(rc, 0, out + err)
        with open(os.path.join(self.aws, "config"), "a") as f:
            f.write("athena_tables = orders\n# a note\n[profile later]\nregion = x\n")
        rc, out, err = self.connect(extra=["--workgroup", "primary"])
        self.assertEqual(rc, 0, out + err)
        config = self.read("config")
        # athena_database was not given again: removed; athena_tables kept.
        self.assertNotIn("athena_database", config)
        self.assertIn("athena_tables = orders\n", config)
        self.assertIn("# a note\n[profile later]\nregion = x\n", config)
        self.assertEqual(config.count("[profile dot]"), 1)
        self.assertEqual(config.count("region = us-east-1"), 1)
        self.assertEqual(self.read("credentials").count("aws_secret_access_key"), 1)

    def test_wrong_secret_fails_through_the_doctor(self):
        rc, out, err = self.connect(secret="not-the-right-secret-at-all-0000000000000")
        self.assertEqual(rc, 4, out + err)
        self.assertIn("\u2717", out)
        self.assertIn("SignatureDoesNotMatch", out)
        self.assertNotIn("not-the-right-secret", out + err)
        # The profile was saved anyway: the user fixes it and reconnects.
        self.assertIn("[dot]", self.read("credentials"))

    def test_json_output_keeps_stdout_pure(self):
        import json
        rc, out, err = self.connect(extra=["--output", "json"])
        self.assertEqual(rc, 0, out + err)
        report = json.loads(out)
        self.assertTrue(report["ok"])
        self.assertIn("Saved profile", err)

    def test_refusals(self):
        rc, _, err = harness.run_athena(["connect", "dot", "--secret-access-key", "abc"],
                                        home=self.home)
        self.assertEqual(rc, 2)
        self.assertIn("never taken from the command line", err)
        self.assertNotIn("abc", err.replace("'--secret-access-key'", ""))
        rc, _, err = harness.run_athena(["connect", "bad name"], home=self.home)
        self.assertEqual(rc, 2)
        rc, _, err = harness.run_athena(["connect"], home=self.home)
        self.assertEqual(rc, 2)
        # No terminal and no --secret-stdin: nothing to ask on.
        rc, _, err = harness.run_athena(["connect", "dot"], home=self.home)
        self.assertEqual(rc, 2)
        self.assertIn("--secret-stdin", err)
        rc, _, err = harness.run_athena(["connect", "dot", "--secret-stdin", "--region", "r"],
                                        input="s\n", home=self.home)
        self.assertEqual(rc, 2)
        self.assertIn("Access Key ID", err)
        self.assertFalse(os.path.exists(self.aws))
        rc, _, err = self.connect(extra=["--output-location", "results/no-scheme"])
        self.assertEqual(rc, 2)
        self.assertIn("s3://", err)

    def test_files_from_environment_variables(self):
        cfg = os.path.join(self.home, "elsewhere", "cfg")
        cred = os.path.join(self.home, "elsewhere", "cred")
        rc, out, err = self.connect(name="default", env={"AWS_CONFIG_FILE": cfg,
                                                         "AWS_SHARED_CREDENTIALS_FILE": cred})
        self.assertEqual(rc, 0, out + err)
        with open(cfg) as f:
            self.assertTrue(f.read().startswith("[default]\nregion = us-east-1\n"))
        with open(cred) as f:
            self.assertIn("[default]\naws_access_key_id", f.read())
        self.assertFalse(os.path.exists(self.aws))

    # ---- interactive, on a pseudo terminal ----

    def run_on_pty(self, answers, timeout=60):
        """Runs `athena connect dot` with a pty as its controlling terminal;
        answers each prompt in turn. Returns (exit code, all terminal output)."""
        pid, fd = pty.fork()
        if pid == 0:
            env = harness._cli_env(self.home, {"TERM": "dumb"})
            os.execve(harness.athena_path(), [harness.athena_path(), "connect", "dot",
                                              "--endpoint-url", self.srv.url], env)
        output = b""
        pending = list(answers)
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                ready, _, _ = select.select([fd], [], [], 0.5)
                if ready:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    output += chunk
                    while pending and output.rstrip().endswith(b":") or \
                            (pending and output.rstrip().endswith(b"]:")):
                        os.write(fd, pending.pop(0).encode() + b"\n")
                        output += b"\x00"  # marks an answer, so a prompt is answered once
                        break
            status = None
            while status is None and time.time() < deadline:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
                else:
                    time.sleep(0.05)
            if status is None:
                raise AssertionError(f"athena connect did not finish: {output!r}")
        finally:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(fd)
        return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")

    def test_interactive_connect_never_echoes_the_secret(self):
        answers = [self.srv.access_key_id, self.srv.secret_access_key, "us-east-1", "",
                   "s3://results/tty/", ""]
        rc, terminal = self.run_on_pty(answers)
        self.assertIn("Secret Access Key (not shown):", terminal)
        self.assertIn(self.srv.access_key_id, terminal)  # echoed: it is not a secret
        self.assert_no_secret(terminal)
        config = self.read("config")
        self.assertIn("athena_output_location = s3://results/tty/", config)
        self.assertIn("athena_workgroup = primary", config)  # the default answer
        self.assertIn(f"aws_secret_access_key = {self.srv.secret_access_key}",
                      self.read("credentials"))
        self.assertIn("athena doctor: checking profile 'dot'", terminal)
        self.assertIn("Verdict: everything the connector needs works", terminal)
        self.assertEqual(rc, 0, terminal)
        # Connecting again: the saved settings are the defaults; the secret
        # is asked again and still not shown.
        rc, terminal = self.run_on_pty(["", self.srv.secret_access_key, "", "", "", ""])
        self.assertIn(f"Access Key ID [{self.srv.access_key_id}]:", terminal)
        self.assertIn("[s3://results/tty/]", terminal)
        self.assert_no_secret(terminal)
        self.assertEqual(self.read("config"), config)


if __name__ == "__main__":
    unittest.main(verbosity=2)
