"""`./drydock up`: starts every built daemon, prints the endpoint table and
the lines to paste, serves, and stops everything cleanly on Ctrl-C (SIGINT)."""

import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import ROOT, bin_dir, has_binary, local_only


@local_only
@unittest.skipUnless(has_binary("sqs-emu"), "sqs-emu is not built")
class DrydockUpTest(unittest.TestCase):
    def test_table_then_clean_stop_on_sigint(self):
        with tempfile.TemporaryDirectory() as run:
            env = dict(os.environ, DRYDOCK_BIN_DIR=bin_dir(), DRYDOCK_RUN_DIR=run,
                       DRYDOCK_SQS_DATA_DIR=os.path.join(run, "sqs"),
                       DRYDOCK_SQS_PORT="0", DRYDOCK_CACHE_PORT="0",
                       DRYDOCK_CACHE_ADMIN_PORT="0", DRYDOCK_ALB_PORT="0")
            p = subprocess.Popen([os.path.join(ROOT, "drydock"), "up", "--no-build"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 env=env, start_new_session=True)
            out = []
            deadline = time.monotonic() + 30
            try:
                while time.monotonic() < deadline:
                    line = p.stdout.readline()
                    if not line:
                        break
                    out.append(line)
                    if "Ctrl-C stops everything" in line:
                        break
                text = "".join(out)
                self.assertIn("Ctrl-C stops everything", text)
                m = re.search(r"^sqs-emu\s+http://127\.0\.0\.1:(\d+)", text, re.M)
                self.assertTrue(m, text)
                self.assertIn("export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:%s" % m.group(1), text)
                with urllib.request.urlopen("http://127.0.0.1:%s/_drydock/health" % m.group(1),
                                            timeout=5) as r:
                    self.assertEqual(r.status, 200)
                # Ctrl-C reaches the whole foreground process group.
                os.killpg(p.pid, signal.SIGINT)
                rest, _ = p.communicate(timeout=20)
                self.assertEqual(p.returncode, 0, text + rest)
                self.assertIn("stopped", rest)
            finally:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
