#!/usr/bin/env python3
"""Reference trajectories for tests/optim: L-BFGS and Adam transcribed in plain numpy.

L-BFGS follows torch/optim lbfgs.lua with no line search (as neural-style calls it) and
Adam follows optim.adam; see engine/optim/optimizer.h for the semantics. Each problem is
run in float64 (the reference) and in float32 (a check that the problem is not so
sensitive to rounding that a float32 engine could not match it to 1e-5); the script fails
when the two disagree by more than 2e-6 relative.

Needs numpy (Debian: python3-numpy). Usage, from the repository root:
  python3 tests/optim/reference/lbfgs_adam_reference.py > tests/optim/reference_trajectories.h
"""

import sys

import numpy as np

ACCEPT_THRESHOLD = 1e-10


def lbfgs(grad, x0, steps, lr, history, tol_x, dtype):
    """Returns (iterates after each step, per-step record) of L-BFGS without line search."""
    x = np.array(x0, dtype=dtype)
    pairs = []  # (s, y), oldest first
    hdiag = 1.0
    d = g_old = None
    t = 0.0
    stopped = False
    xs, records = [], []
    for k in range(1, steps + 1):
        g = grad(x).astype(dtype)
        record = {"accepted": None, "pairs": len(pairs), "stopped": stopped}
        if k == 1:
            d = -g
            hdiag = 1.0
            pairs = []
        else:
            y = g - g_old
            s = d * dtype(t)
            ys = float(np.dot(y, s))
            record["ys"] = ys
            record["accepted"] = ys > ACCEPT_THRESHOLD
            if ys > ACCEPT_THRESHOLD:
                if len(pairs) == history:
                    pairs.pop(0)
                pairs.append((s, y))
                hdiag = ys / float(np.dot(y, y))
            ro = [1.0 / float(np.dot(yi, si)) for si, yi in pairs]
            al = [0.0] * len(pairs)
            q = -g
            for i in range(len(pairs) - 1, -1, -1):
                si, yi = pairs[i]
                al[i] = float(np.dot(si, q)) * ro[i]
                q = q - dtype(al[i]) * yi
            r = q * dtype(hdiag)
            for i in range(len(pairs)):
                si, yi = pairs[i]
                be = float(np.dot(yi, r)) * ro[i]
                r = r + dtype(al[i] - be) * si
            d = r
        g_old = g.copy()
        gtd = float(np.dot(g, d))
        if gtd > -tol_x:
            stopped = True
        if k == 1:
            asum = float(np.sum(np.abs(g)))
            t = min(1.0, 1.0 / asum if asum > 0 else float("inf")) * lr
        else:
            t = lr
        if not stopped:
            x = x + dtype(t) * d
        record["pairs"] = len(pairs)
        record["stopped"] = stopped
        xs.append(x.copy())
        records.append(record)
    return xs, records


def adam(grad, x0, steps, lr, beta1, beta2, epsilon, dtype):
    x = np.array(x0, dtype=dtype)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = []
    for t in range(1, steps + 1):
        g = grad(x).astype(dtype)
        m = dtype(beta1) * m + dtype(1 - beta1) * g
        v = dtype(beta2) * v + dtype(1 - beta2) * g * g
        denom = np.sqrt(v) + dtype(epsilon)
        step = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        x = x - dtype(step) * m / denom
        xs.append(x.copy())
    return xs


# ---- problems (the C++ tests evaluate the same functions in double) ----------------------
QUADRATIC_DIAG = np.array([1.0, 100.0])  # f = 1/2 sum a_i (x_i - c_i)^2, condition 100
QUADRATIC_CENTER = np.array([1.0, -2.0])


def quadratic_grad(x):
    x = x.astype(np.float64)
    return QUADRATIC_DIAG * (x - QUADRATIC_CENTER)


def rosenbrock_grad(x):
    x = x.astype(np.float64)
    a, b = x[0], x[1]
    return np.array([-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)])


def relative_gap(xs_a, xs_b):
    worst = 0.0
    for a, b in zip(xs_a, xs_b):
        scale = max(np.max(np.abs(b)), 1e-30)
        worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - b)) / scale))
    return worst


CASES = [
    # name, kind, problem, x0, steps, settings
    ("kQuadraticLbfgs", "lbfgs", "quadratic", [2.0, -1.0], 12,
     dict(lr=1.0, history=100, tol_x=-1.0)),
    ("kRosenbrockLbfgs", "lbfgs", "rosenbrock", [0.75, -0.25], 16,
     dict(lr=0.5, history=3, tol_x=-1.0)),
    ("kQuadraticLbfgsStop", "lbfgs", "quadratic", [2.0, -1.0], 12,
     dict(lr=1.0, history=100, tol_x=1e-2)),
    ("kQuadraticAdam", "adam", "quadratic", [2.0, -1.0], 30,
     dict(lr=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8)),
    ("kRosenbrockAdam", "adam", "rosenbrock", [-0.5, 1.5], 40,
     dict(lr=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8)),
]

GRADS = {"quadratic": quadratic_grad, "rosenbrock": rosenbrock_grad}


def run(kind, problem, x0, steps, settings, dtype):
    grad = GRADS[problem]
    if kind == "lbfgs":
        return lbfgs(grad, x0, steps, settings["lr"], settings["history"], settings["tol_x"],
                     dtype)
    return adam(grad, x0, steps, settings["lr"], settings["beta1"], settings["beta2"],
                settings["epsilon"], dtype), None


def main():
    out = sys.stdout
    out.write("// Reference trajectories for tests/optim, generated by\n"
              "// tests/optim/reference/lbfgs_adam_reference.py (do not edit by hand).\n"
              "// Each array holds x (2-D) after step 1, 2, ... of the named case.\n"
              "#pragma once\n\n#include <array>\n\n// clang-format off\n"
              "namespace nsrg::optim_reference {\n")
    for name, kind, problem, x0, steps, settings in CASES:
        xs64, records = run(kind, problem, x0, steps, settings, np.float64)
        xs32, _ = run(kind, problem, x0, steps, settings, np.float32)
        gap = relative_gap(xs32, xs64)
        if not gap < 2e-6:
            sys.exit(f"{name}: float32 and float64 runs differ by {gap:.3g} relative")
        out.write(f"\n// {kind} on {problem} from {x0}, {steps} steps, {settings};\n"
                  f"// float32 vs float64 gap {gap:.2g}.\n")
        if records is not None:
            rejected = [k + 1 for k, r in enumerate(records) if r["accepted"] is False]
            stops = [k + 1 for k, r in enumerate(records) if r["stopped"]]
            out.write(f"// pairs rejected at steps {rejected}; pairs held "
                      f"{[r['pairs'] for r in records]};\n// stopped from step "
                      f"{stops[0] if stops else 'never'}.\n")
            if rejected:
                ys = [records[k - 1]["ys"] for k in rejected]
                out.write(f"// y.s of the rejected pairs: {[float('%.3g' % v) for v in ys]}\n")
        out.write(f"constexpr std::array<std::array<double, 2>, {steps}> {name} = {{{{\n")
        for x in xs64:
            out.write(f"    {{{x[0]!r}, {x[1]!r}}},\n")
        out.write("}};\n")
        if records is not None:
            accepted = [sum(1 for r in records[:k + 1] if r["accepted"]) for k in range(steps)]
            out.write(f"// pairs accepted so far (evicted ones included) after each step\n"
                      f"constexpr std::array<int, {steps}> {name}Accepted = {{"
                      f"{', '.join(map(str, accepted))}}};\n")
    out.write("\n}  // namespace nsrg::optim_reference\n// clang-format on\n")


if __name__ == "__main__":
    main()
