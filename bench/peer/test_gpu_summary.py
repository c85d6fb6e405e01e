#!/usr/bin/env python3
"""Tests of gpu_summary.py's verdicts (standard library only): a step passes only when its
command succeeded and its own rule holds; every test skipped, a missing bench size, a step
left out for lack of time or a comparison not run is not a pass, and the exit status says so;
CPU-only steps are judged apart; the memcheck rerun names the first bad kernel; the largest
square step passes only with both confirming evaluations finished, and its sizes are shown.
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
        """rows: (name, status) or (name, status, note)."""
        self.write("steps.tsv", "".join(
            f"{row[0]}\t{row[1]}\t3\t{row[2] if len(row) > 2 else f'logs/{row[0]}.log'}\n"
            for row in rows))
        text = io.StringIO()
        with redirect_stdout(text):
            code = gpu_summary.main(["gpu_summary.py", self.out])
        return code, text.getvalue()

    def test_largest_square_needs_both_evaluations_finished(self):
        report = {"limit_mib": 140000, "tile": 2048,
                  "whole": {"planned_largest": 6400, "plan_bytes": 130 * 2**30,
                            "confirmed": {"size": 6400, "finished": True,
                                          "seconds_per_evaluation": 1.5,
                                          "peak_memory_bytes": 120 * 2**30}},
                  "tiled": {"planned_largest": 30720, "plan_bytes": 135 * 2**30,
                            "confirmed": {"size": 16384, "finished": False, "exit_status": None,
                                          "last_line": "cut"}}}
        self.write("largest_square.json", report)
        code, text = self.run_summary([("largest_square", "ok")])
        self.assertEqual(code, 1)
        self.assertIn("largest_square     FAIL", text)
        self.assertIn("no finished evaluation: tiled", text)
        self.assertIn("whole: plan fits up to 6400 px", text)
        self.assertIn("tiled in tiles of 2048 px: plan fits up to 30720 px", text)
        report["tiled"]["confirmed"]["finished"] = True
        self.write("largest_square.json", report)
        code, text = self.run_summary([("largest_square", "ok")])
        self.assertEqual(code, 0, text)
        self.assertIn("evaluated at 16384 px: finished", text)
        self.assertIn("largest_square     PASS", text)

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


    def test_comparison_not_run_is_named_and_not_a_pass(self):
        code, text = self.run_summary([
            ("environment", "ok"),
            ("render_diff_full", "not run", "no CPU reference render (build-gpu/reference)")])
        self.assertEqual(code, 1)
        self.assertIn("render_diff_full   NOT RUN", text)
        self.assertIn("no CPU reference render", text)
        self.assertIn("full size: no comparison (not run: no CPU reference render", text)
        self.assertIn("verdict: INCOMPLETE", text)

    def test_cpu_only_failures_stay_out_of_the_gpu_verdict(self):
        self.write("tests/test_cuda.json", gtest_report(["RUN"]))
        self.write("tests/test_engine.json", gtest_report(["RUN", "FAIL"]))
        code, text = self.run_summary([("environment", "ok"), ("test_cuda", "ok"),
                                       ("render_64_cpu", "timeout"), ("test_engine", "ok")])
        self.assertEqual(code, 0, text)
        self.assertIn("CPU-only verdict: FAIL", text)
        self.assertTrue(text.rstrip().endswith("verdict: PASS (every GPU step passed)"), text)
        cpu_part = text[text.index("CPU-only steps"):]
        self.assertIn("render_64_cpu", cpu_part)
        self.assertIn("test_engine", cpu_part)
        self.assertNotIn("render_64_cpu", text[:text.index("CPU-only steps")])

    def test_memcheck_names_the_first_bad_kernel_and_enters_no_verdict(self):
        self.write("tests/test_cuda.json", gtest_report(["RUN", "FAIL"]))
        self.write("logs/memcheck_cuda.log", "\n".join([
            "========= COMPUTE-SANITIZER",
            "[ RUN      ] CudaVectorOps.DotAndAsumMatchCpu",
            "[       OK ] CudaVectorOps.DotAndAsumMatchCpu (5 ms)",
            "[ RUN      ] CudaLargeSizes.TotalVariationMatchesCpu",
            "========= Invalid __global__ write of size 4 bytes",
            "=========     at nsrg::kernels::tv_kernel(const float *, float *, int)+0x1b0 in "
            "/src/kernels/loss.cu:88",
            "=========     by thread (3,0,0) in block (70000,0,0)",
            "=========     Address 0x7f0000000000 is out of bounds",
            "========= Invalid __global__ read of size 4 bytes",
            "=========     at nsrg::kernels::other()+0x10 in /src/kernels/other.cu:1",
            "========= ERROR SUMMARY: 2 errors"]))
        code, text = self.run_summary([("environment", "ok"), ("test_cuda", "failed(1)"),
                                       ("memcheck_cuda", "failed(86)")])
        self.assertEqual(code, 1)
        self.assertIn("memcheck_cuda      INFO", text)
        self.assertIn("first bad kernel: nsrg::kernels::tv_kernel(const float *, float *, int)"
                      "+0x1b0 in /src/kernels/loss.cu:88", text)
        self.assertIn("Invalid __global__ write of size 4 bytes", text)
        self.assertIn("in test CudaLargeSizes.TotalVariationMatchesCpu", text)
        self.assertIn("verdict: FAIL", text)
        # A clean rerun says so; it still is no pass of test_cuda.
        self.write("logs/memcheck_cuda.log", "========= ERROR SUMMARY: 0 errors\n")
        code, text = self.run_summary([("test_cuda", "failed(1)"), ("memcheck_cuda", "failed(1)")])
        self.assertEqual(code, 1)
        self.assertIn("no memory error in the op-level tests", text)


if __name__ == "__main__":
    unittest.main()
