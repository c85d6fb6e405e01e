#!/usr/bin/env python3
"""Tests of gpu_summary.py's verdicts (standard library only): a step passes only when its
command succeeded and its own rule holds; every test skipped, a missing bench size or a step
left out for lack of time is not a pass, and the exit status says so.
Run: python3 bench/peer/test_gpu_summary.py"""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_summary  # noqa: E402  pylint: disable=wrong-import-position


def gtest_report(results):
    """A --gtest_output=json report with one test per entry of results (RUN/SKIPPED/FAIL)."""
    tests = []
    for i, result in enumerate(results):
        test = {"name": f"T{i}", "status": "RUN", "result": "COMPLETED"}
        if result == "SKIPPED":
            test["result"] = "SKIPPED"
        if result == "FAIL":
            test["failures"] = [{"failure": "x"}]
        tests.append(test)
    return {"testsuites": [{"name": "S", "testsuite": tests}]}


class GpuSummaryTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = self.dir.name
        os.makedirs(f"{self.out}/tests")
        os.makedirs(f"{self.out}/logs")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, value):
        with open(f"{self.out}/{name}", "w", encoding="utf-8") as f:
            f.write(value if isinstance(value, str) else json.dumps(value))

    def run_summary(self, rows):
        self.write("steps.tsv", "".join(f"{n}\t{s}\t3\tlogs/{n}.log\n" for n, s in rows))
        text = io.StringIO()
        with redirect_stdout(text):
            code = gpu_summary.main(["gpu_summary.py", self.out])
        return code, text.getvalue()

    def test_every_rule_met_passes(self):
        self.write("tests/test_cuda.json", gtest_report(["RUN", "SKIPPED"]))
        self.write("bench_cuda_fp32.json", {"sizes": [{"image_size": s} for s in (256, 512, 1024)]})
        code, text = self.run_summary([("environment", "ok"), ("test_cuda", "ok"),
                                       ("bench_cuda_fp32", "ok"), ("render_diff_64", "ok")])
        self.assertEqual(code, 0, text)
        self.assertIn("test_cuda          PASS", text)
        self.assertIn("verdict: PASS", text)

    def test_all_skipped_tests_fail(self):
        self.write("tests/test_cuda.json", gtest_report(["SKIPPED", "SKIPPED"]))
        code, text = self.run_summary([("test_cuda", "ok")])
        self.assertEqual(code, 1)
        self.assertIn("test_cuda          FAIL", text)
        self.assertIn("every test skipped", text)

    def test_failed_test_missing_report_and_failed_command_fail(self):
        self.write("tests/test_cuda.json", gtest_report(["RUN", "FAIL"]))
        for rows in ([("test_cuda", "ok")], [("test_engine", "ok")],
                     [("render_diff_64", "failed(1)")]):
            code, text = self.run_summary(rows)
            self.assertEqual(code, 1, text)
            self.assertIn("FAIL", text)

    def test_partial_bench_fails_and_names_the_sizes_kept(self):
        self.write("bench_cuda_fp32.json", {"sizes": [{"image_size": 256}, {"image_size": 512}]})
        code, text = self.run_summary([("bench_cuda_fp32", "timeout")])
        self.assertEqual(code, 1)
        self.assertIn("sizes kept: [256, 512]", text)
        code, text = self.run_summary([("bench_cuda_fp32", "ok")])
        self.assertEqual(code, 1)
        self.assertIn("sizes missing: [1024]", text)

    def test_skipped_step_is_not_a_pass(self):
        code, text = self.run_summary([("environment", "ok"), ("peer_compare", "skipped")])
        self.assertEqual(code, 1)
        self.assertIn("peer_compare       SKIP", text)


if __name__ == "__main__":
    unittest.main()
