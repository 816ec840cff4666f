#!/usr/bin/env python3
"""HiGHS beside `cargo bench --bench engine_targets`: the same generated models, exported.

For each size N: `capplan generate --customers N --seed 3 --diversify`, `capplan export
--format mps`, then HiGHS (highspy, default options, output off) reads the file, solves it
(`run`, timed, with its simplex iteration count) and ranges it (`getRanging`, timed). Each is
repeated and the median printed. The objective is that of the minimisation form capplan
exports (minus capplan's optimum, up to the objective constant written as a fixed variable).

Usage: python3 benches/highs_targets.py [--capplan target/release/capplan] [--repeat 5] N...
"""

import argparse
import statistics
import subprocess
import tempfile
import time

import highspy


def measure(path, repeat):
    solves, rangings, iterations, objective = [], [], None, None
    for _ in range(repeat):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(path)
        started = time.perf_counter()
        h.run()
        solves.append(time.perf_counter() - started)
        info = h.getInfo()
        iterations = info.simplex_iteration_count
        objective = info.objective_function_value
        started = time.perf_counter()
        h.getRanging()
        rangings.append(time.perf_counter() - started)
    return statistics.median(solves), statistics.median(rangings), iterations, objective


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--capplan", default="target/release/capplan")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("sizes", type=int, nargs="+")
    args = parser.parse_args()
    print(f"HiGHS {highspy.Highs().version()}")
    with tempfile.TemporaryDirectory() as scratch:
        for n in args.sizes:
            toml, mps = f"{scratch}/d{n}.toml", f"{scratch}/d{n}.mps"
            subprocess.run([args.capplan, "generate", "--customers", str(n), "--seed", "3", "--diversify", "--output", toml],
                           check=True, capture_output=True)
            subprocess.run([args.capplan, "export", toml, "--format", "mps", "--output", mps], check=True, capture_output=True)
            solve, ranging, iterations, objective = measure(mps, args.repeat if n <= 1000 else 1)
            print(f"n={n}: solve {solve:.4f} s ({iterations} iterations), ranging {ranging:.4f} s, objective {objective:.6f}")


if __name__ == "__main__":
    main()
