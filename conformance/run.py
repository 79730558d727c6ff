#!/usr/bin/env python3
"""Runs conformance test modules with unittest: run.py test_module [...].

Exits non-zero on any failure or error, and also when nothing ran at all, so
a module that silently executed no test is visible.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    sys.path.insert(0, HERE)
    names = argv[1:] or sorted(f[:-3] for f in os.listdir(HERE)
                               if f.startswith("test_") and f.endswith(".py"))
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A class skipped in setUpClass counts as one skip but ran no test: only skips of
    # tests that were started come off testsRun.
    started_skips = sum(1 for t, _ in result.skipped if isinstance(t, unittest.TestCase))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - started_skips - failed
    print("%d passed, %d failed, %d skipped" % (max(passed, 0), failed, len(result.skipped)))
    if failed:
        return 1
    if result.testsRun == 0:
        print("no test ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
