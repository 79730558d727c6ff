"""Conformance harness: start a Drydock daemon on ephemeral ports, or point at
an external endpoint, and hand tests the clients they need.

Targets (environment):
  DRYDOCK_TARGET unset or "local"  start the binaries of this build
                                   (DRYDOCK_BIN_DIR, default <repo>/build/bin)
  DRYDOCK_TARGET=aws               real AWS: the SDK's own endpoints and credentials
  DRYDOCK_TARGET=http://host:port  an already running endpoint

Tests that need Drydock-only features (the admin endpoint, the test clock,
faults, restarts) are marked @local_only and are skipped against anything else.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_TIMEOUT_S = 15.0


def bin_dir():
    return os.environ.get("DRYDOCK_BIN_DIR") or os.path.join(ROOT, "build", "bin")


def binary(name):
    return os.path.join(bin_dir(), name)


def has_binary(name):
    return os.access(binary(name), os.X_OK)


def target():
    return os.environ.get("DRYDOCK_TARGET", "local") or "local"


def is_local():
    return target() == "local"


def local_only(fn):
    """Skips a test (or class) unless the target is a Drydock started here."""
    return unittest.skipUnless(is_local(), "needs a local Drydock daemon")(fn)


def requires_binary(name):
    return unittest.skipUnless(has_binary(name), "%s is not built" % name)


class Daemon:
    """One daemon process on ephemeral ports, announced through --ready-file.

    Use as a context manager or call start()/stop(). `port`, `admin_port` and
    `ready` (the whole ready-file document) are set once it is listening.
    """

    def __init__(self, name, args=(), env=None, data_dir=None):
        self.name = name
        self.args = list(args)
        self.env = env
        self.proc = None
        self.ready = None
        self.port = None
        self.admin_port = None
        self._tmp = tempfile.TemporaryDirectory(prefix="dd-%s-" % name)
        self.tmpdir = self._tmp.name
        self.ready_file = os.path.join(self.tmpdir, "ready.json")
        self.log_path = os.path.join(self.tmpdir, "daemon.log")
        self.data_dir = data_dir

    def start(self, port=0):
        if os.path.exists(self.ready_file):
            os.unlink(self.ready_file)
        argv = [binary(self.name), "--port", str(port), "--ready-file", self.ready_file]
        if self.name == "sqs-emu":
            # The durable store by default, in this daemon's own directory; a test's
            # own --data-dir or --durability comes later and wins.
            argv += ["--data-dir", os.path.join(self.tmpdir, "data")]
        argv += self.args
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.proc = None
                self._log.close()
                raise RuntimeError("%s exited with %s before it was ready:\n%s"
                                   % (self.name, rc, self.log()))
            try:
                with open(self.ready_file) as f:
                    self.ready = json.load(f)
                break
            except (FileNotFoundError, json.JSONDecodeError):
                time.sleep(0.01)
        else:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            self._log.close()
            raise RuntimeError("%s was not ready within %.0f s:\n%s"
                               % (self.name, READY_TIMEOUT_S, self.log()))
        self.port = self.ready["port"]
        self.admin_port = self.ready.get("admin_port", self.port)
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-8000:]
        except OSError:
            return ""

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def admin_url(self):
        return "http://127.0.0.1:%d/_drydock/" % self.admin_port

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends sig and waits; returns the exit code (negative: killed by a signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("%s did not exit within %.0f s after signal %d"
                                   % (self.name, timeout, sig))
        rc = self.proc.returncode
        self.proc = None
        self._log.close()
        return rc

    def kill(self):
        return self.stop(signal.SIGKILL)

    def close(self):
        if self.proc is not None:
            died = self.proc.poll()
            if died is not None and died != 0:
                # It ended on its own: show why (a sanitizer report, an abort) before
                # the temporary directory with its log goes away.
                print("\n--- %s exited with %s; its log:\n%s" % (self.name, died, self.log()),
                      file=sys.stderr)
            try:
                rc = self.stop()
            except RuntimeError as e:
                self._tmp.cleanup()
                raise e
            if rc != 0:
                log = self.log()
                self._tmp.cleanup()
                # A leak or sanitizer report at exit, or an unclean stop, fails the test run.
                raise RuntimeError("%s exited with %s at the end of the test:\n%s"
                                   % (self.name, rc, log))
        self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # --- the admin endpoint -------------------------------------------------

    def admin(self, route, body=None, method=None):
        """Calls /_drydock/<route>; returns (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.admin_url + route, data=data,
                                     method=method or ("POST" if data is not None else "GET"))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, raw, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, raw, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return status, json.loads(raw)
        return status, raw.decode("utf-8", "replace")

    def advance_clock(self, ms):
        status, doc = self.admin("clock", {"advance_ms": int(ms)})
        if status != 200:
            raise RuntimeError("clock advance failed: %s %s" % (status, doc))
        return doc


def aws_client(service, endpoint_url=None, **kw):
    """A boto3 client for the current target: Drydock (dummy credentials) or AWS."""
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 1, "mode": "standard"},
                 read_timeout=kw.pop("read_timeout", 30), connect_timeout=5)
    if is_local() or target().startswith("http"):
        url = endpoint_url or (target() if target().startswith("http") else None)
        return boto3.client(service, endpoint_url=url, region_name=kw.pop("region", "us-east-1"),
                            aws_access_key_id=kw.pop("key", "test"),
                            aws_secret_access_key=kw.pop("secret", "test"), config=cfg, **kw)
    return boto3.client(service, config=cfg, **kw)
