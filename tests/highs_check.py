#!/usr/bin/env python3
"""Independent check of capplan's plans, values and shadow prices against HiGHS.

For each instance: `capplan export --format mps` writes the LP, `capplan solve --format json`
gives capplan's answer. HiGHS (highspy) reads the same MPS file. The exported LP writes a
customer's value as pieces of its response curve; where a piece enters a row other than its
response row (a value share), this script makes the curve exact itself with binaries
(piece k+1 may have hours only once piece k is full), solves the MIP, then fixes the binaries
and solves the LP again for the duals. It then checks, to 1e-6 relative:

- the optimum (HiGHS MIP vs capplan);
- capplan's plan: feasible in the exported model with its pieces filled in curve order, and
  worth the optimum there (plans may differ at a tie; their value may not);
- every customer's value, recomputed by this script from the TOML curve at capplan's hours, and
  the total value;
- every shadow price: equal to HiGHS's dual, or, where the duals are not unique (a degenerate
  vertex), an optimal dual solution itself: same dual objective and complementary slackness,
  checked against the LP's data;
- every reduced cost, recomputed from HiGHS's duals with the formula of docs/shadow-prices.md.

A multi-period instance (`[[periods]]`, issue 14) is checked on its whole exported program (every
period's rows and the change limits between them): the optimum, capplan's plan of every period
feasible and worth the optimum, every value recomputed from the TOML curves times the period's
value multipliers, and every shadow price of every period and every change limit as above.

Random instances (value shares of the plan and of fixed totals, priority weights of 0, floors,
soft expectations, expansion) are written by this script from a seed.

Usage: python3 tests/highs_check.py [--capplan PATH] [--random N] [--seed S] [INSTANCE...]
Exit code 0 when every check passes; 1 with the failures listed; 77 when highspy is missing.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import tomllib

try:
    import highspy
except ImportError:  # pragma: no cover - depends on the machine
    print("highs_check: highspy is not installed (pip install highspy); skipped")
    sys.exit(77)

TOL = 1e-6
SOLVER = "auto"
EXAMPLES = [
    "instances/tiny.toml",
    "instances/dsp.toml",
    "instances/three-groups.toml",
    "instances/dsp-krapfel.toml",
    "instances/three-groups-profitability.toml",
    "instances/tiers.toml",
    "instances/multi-quarter.toml",
]


def close(a, b, scale=1.0):
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b), scale)


# ---------------------------------------------------------------------------------------------
# Curves from the TOML, independently of capplan.


def expected_multiplier(instance, customer):
    """The probability-weighted mean of a customer's value multipliers over `[risk]` scenarios
    (1 without them); a customer's own multiplier overrides its segment's."""
    scenarios = instance.get("risk", {}).get("scenarios", [])
    if not scenarios:
        return 1.0
    mean = 0.0
    for scenario in scenarios:
        multiplier = scenario.get("segments", {}).get(customer.get("segment"), 1.0)
        multiplier = scenario.get("customers", {}).get(customer["id"], multiplier)
        mean += float(scenario["probability"]) * float(multiplier)
    return mean


def curve_of(response):
    """(value_at_zero, [(slope, length or None)]) of a response table."""
    if response is None:
        return 0.0, [(0.0, None)]
    if "value_per_hour" in response:
        slope = float(response["value_per_hour"])
        if "max_hours" in response:
            return 0.0, [(slope, float(response["max_hours"])), (min(slope, 0.0), None)]
        return 0.0, [(slope, None)]
    points = [(float(h), float(v)) for h, v in response["points"]]
    pieces = []
    for (h0, v0), (h1, v1) in zip(points, points[1:]):
        pieces.append(((v1 - v0) / (h1 - h0), h1 - h0))
    last = pieces[-1][0]
    pieces.append((min(last, 0.0), None))
    return points[0][1], pieces


def value_at(curve, hours):
    value, pieces = curve
    remaining = max(hours, 0.0)
    for slope, length in pieces:
        used = remaining if length is None else min(remaining, length)
        value += used * slope
        remaining -= used
        if remaining <= 0:
            break
    return value


# ---------------------------------------------------------------------------------------------
# Random instances.


def random_instance(rng, index):
    resources = ["r%d" % r for r in range(rng.randint(1, 2))]
    lines = ['[plan]\nname = "random %d"\nperiod = "Q"\ncurrency = "EUR"\n' % index]
    for r in resources:
        capacity = rng.randint(20, 120)
        cost = rng.choice([0, 0, 5, 10])
        lines.append('[[resources]]\nid = "%s"\ncapacity_hours = %d\ncost_per_hour = %d\n' % (r, capacity, cost))
        if rng.random() < 0.4:
            lines.append(
                '[[resources.expansion]]\nid = "extra"\ncost_per_hour = %d\nmax_hours = %d\n%s'
                % (cost + rng.randint(0, 30), rng.randint(5, 40), "cost_is_premium = true\n" if rng.random() < 0.3 else "")
            )
    segmented = rng.random() < 0.5
    if segmented:
        for s in ["s0", "s1"]:
            lines.append('[[segments]]\nid = "%s"\n' % s)
            if rng.random() < 0.5:
                kind = rng.choice(["min_share", "max_share"])
                share = rng.randint(10, 40) if kind == "min_share" else rng.randint(40, 90)
                lines.append("%s = { value = %.2f }\n" % (kind, share / 100))
    base = rng.choice(["plan", "plan", "current", "given"])
    lines.append("[diversification]\n")
    if rng.random() < 0.6:
        lines.append("max_customer_share = { value = %.2f }\n" % (rng.randint(25, 70) / 100))
    for c in range(rng.randint(2, 5)):
        lines.append('[[customers]]\nid = "c%d"\n' % c)
        if segmented:
            lines.append('segment = "s%d"\n' % (c % 2))
        if rng.random() < 0.3:
            lines.append("priority_weight = 0\n")
        elif rng.random() < 0.2:
            lines.append("priority_weight = %.1f\n" % rng.choice([0.5, 2.0]))
        if rng.random() < 0.3:
            lines.append("max_share = { value = %.2f }\n" % (rng.randint(20, 80) / 100))
        current, floors = [], []
        for r in resources:
            current.append("%s = %d" % (r, rng.randint(0, 40)))
            if rng.random() < 0.3:
                floors.append("%s = %d" % (r, rng.randint(1, 15)))
        lines.append("current_hours = { %s }\n" % ", ".join(current))
        if floors:
            lines.append("floor_hours = { %s }\n" % ", ".join(floors))
        for r in resources:
            if rng.random() < 0.15:
                continue
            if rng.random() < 0.4:
                lines.append("response.%s = { value_per_hour = %d, max_hours = %d }\n" % (r, rng.randint(-5, 90), rng.randint(5, 60)))
            else:
                hours, value, slope = 0, rng.randint(0, 200), rng.randint(40, 150)
                points = ["[0, %d]" % value]
                for _ in range(rng.randint(1, 3)):
                    step = rng.randint(3, 30)
                    hours += step
                    value += slope * step
                    points.append("[%d, %d]" % (hours, value))
                    slope = max(-10, slope - rng.randint(1, 60))
                lines.append("response.%s = { points = [%s] }\n" % (r, ", ".join(points)))
            if rng.random() < 0.2:
                lines.append(
                    'expectations.%s = { hours = %d, kind = "soft", penalty_per_hour = %d }\n' % (r, rng.randint(5, 40), rng.randint(1, 60))
                )
    text = "".join(lines)
    if base == "current":
        text = text.replace("[diversification]\n", '[diversification]\nvalue_share_base = "current"\n')
    elif base == "given":
        text = text.replace("[diversification]\n", "[diversification]\nvalue_share_base = %d\n" % rng.randint(2000, 20000))
    return text


# ---------------------------------------------------------------------------------------------
# HiGHS on the exported model.


def run(capplan, *args):
    return subprocess.run([capplan, *args], capture_output=True, text=True)


def highs_model(mps):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    h.setOptionValue("mip_rel_gap", 1e-10)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    status = h.readModel(mps)
    assert status != highspy.HighsStatus.kError, mps
    with open(mps) as text:
        minimisation_form = "MINIMISATION FORM" in text.read(2000)
    if minimisation_form:
        # capplan writes its maximisation with every coefficient negated (the file says so);
        # the checks below compare with capplan's own numbers, so restore the maximisation.
        lp = h.getLp()
        costs = [-c for c in lp.col_cost_]
        h.changeColsCost(lp.num_col_, list(range(lp.num_col_)), costs)
        h.changeObjectiveOffset(-lp.offset_)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def lp_data(h):
    lp = h.getLp()
    names = [lp.col_names_[j] for j in range(lp.num_col_)]
    rows = [lp.row_names_[i] for i in range(lp.num_row_)]
    a = lp.a_matrix_
    columns = []
    for j in range(lp.num_col_):
        columns.append([(a.index_[k], a.value_[k]) for k in range(a.start_[j], a.start_[j + 1])])
    return lp, names, rows, columns


def exact_curves(h, lp, names, rows, columns):
    """Adds binaries that make every piece entering a value row follow curve order."""
    response_rows = {i for i, name in enumerate(rows) if name.startswith("response[")}
    by_allocation = {}
    for j, name in enumerate(names):
        if name.startswith("piece["):
            key, k = name[len("piece[") : -1].rsplit("/", 1)
            # A multi-period program names the piece of period p `piece[c/r/k@p]`.
            k, _, period = k.partition("@")
            by_allocation.setdefault((key, period), []).append((int(k), j))
    big = 1e6
    added = 0
    for key, pieces in sorted(by_allocation.items()):
        pieces.sort()
        if not any(i not in response_rows for _, j in pieces for i, _ in columns[j]):
            continue
        for (_, j), (_, j_next) in zip(pieces, pieces[1:]):
            length = lp.col_upper_[j]
            z = h.getNumCol()
            h.addVar(0.0, 1.0)
            h.changeColIntegrality(z, highspy.HighsVarType.kInteger)
            # piece_j >= length z ; piece_next <= (its length or big) z
            h.addRow(0.0, highspy.kHighsInf, 2, [j, z], [1.0, -length])
            upper = lp.col_upper_[j_next] if lp.col_upper_[j_next] < highspy.kHighsInf else big
            h.addRow(-highspy.kHighsInf, 0.0, 2, [j_next, z], [1.0, -upper])
            added += 1
    return added


def check(capplan, path, failures):
    tag = os.path.basename(path)
    with tempfile.TemporaryDirectory() as tmp:
        mps = os.path.join(tmp, "model.mps")
        exported = run(capplan, "export", path, "--format", "mps", "--output", mps)
        if exported.returncode != 0:
            failures.append("%s: export failed: %s" % (tag, exported.stderr.strip()))
            return None
        solved = run(capplan, "solve", path, "--format", "json", "-q", "--solver", SOLVER)
        report = json.loads(solved.stdout) if solved.stdout.strip() else None
        h = highs_model(mps)
        lp, names, rows, columns = lp_data(h)
        h.run()
        relaxed = h.getInfo().objective_function_value if h.getModelStatus() == highspy.HighsModelStatus.kOptimal else None
        binaries = exact_curves(h, lp, names, rows, columns)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            if solved.returncode != 3:
                failures.append("%s: HiGHS infeasible, capplan exit %d %s" % (tag, solved.returncode, solved.stderr.strip()))
            return "infeasible, relaxation feasible" if relaxed is not None else "infeasible"
        if status != highspy.HighsModelStatus.kOptimal:
            failures.append("%s: HiGHS status %s" % (tag, h.modelStatusToString(status)))
            return None
        if solved.returncode != 0:
            failures.append("%s: HiGHS optimal, capplan exit %d %s" % (tag, solved.returncode, solved.stderr.strip()))
            return None
        result = report["result"]
        info = h.getInfo()
        optimum = info.objective_function_value
        if not close(result["objective"], optimum):
            failures.append("%s: optimum capplan %.9g HiGHS %.9g" % (tag, result["objective"], optimum))
        x = list(h.getSolution().col_value)
        # Fix the curve binaries and solve the LP for its duals.
        if binaries:
            for z in range(lp.num_col_, h.getNumCol()):
                value = round(x[z])
                h.changeColIntegrality(z, highspy.HighsVarType.kContinuous)
                h.changeColBounds(z, value, value)
            h.run()
        solution = h.getSolution()
        lp_full = h.getLp()
        row_dual = list(solution.row_dual)
        x = list(solution.col_value)

        instance = tomllib.load(open(path, "rb"))
        resources = [r["id"] for r in instance["resources"]]
        customers = instance["customers"]
        col = {name: j for j, name in enumerate(names)}
        row = {name: i for i, name in enumerate(rows)}

        # capplan's plan in the exported model, pieces in curve order.
        point = [0.0] * lp.num_col_
        for a in result["allocations"]:
            key = "%s/%s" % (a["customer"], a["resource"])
            point[col["hours[%s]" % key]] = a["hours"]
            remaining = a["hours"]
            k = 1
            while "piece[%s/%d]" % (key, k) in col:
                j = col["piece[%s/%d]" % (key, k)]
                used = min(remaining, lp.col_upper_[j])
                point[j] = used
                remaining -= used
                k += 1
        for e in result["expansions"]:
            point[col["expansion[%s/%s]" % (e["resource"], e["option"])]] = e["hours"]
        for g in result["expectations"]:
            name = "shortfall[%s/%s]" % (g["customer"], g["resource"])
            if name in col:
                point[col[name]] = g["shortfall_hours"]
        if "total_value" in col:
            point[col["total_value"]] = result["totals"]["value"]
        if "objective_constant" in col:
            # The exported objective's constant is this variable's coefficient, fixed at 1.
            point[col["objective_constant"]] = 1.0
        activity = [0.0] * lp.num_row_
        for j in range(lp.num_col_):
            for i, a in columns[j]:
                activity[i] += a * point[j]
        for i in range(lp.num_row_):
            size = 1.0 + abs(lp.row_lower_[i] if lp.row_lower_[i] > -1e300 else 0) + abs(lp.row_upper_[i] if lp.row_upper_[i] < 1e300 else 0)
            if activity[i] < lp.row_lower_[i] - TOL * size * 10 or activity[i] > lp.row_upper_[i] + TOL * size * 10:
                failures.append("%s: capplan's plan breaks %s (activity %.9g)" % (tag, rows[i], activity[i]))
        worth = lp.offset_ + sum(lp.col_cost_[j] * point[j] for j in range(lp.num_col_))
        if not close(worth, optimum):
            failures.append("%s: capplan's plan is worth %.9g in the exported model, optimum %.9g" % (tag, worth, optimum))

        # Values from the TOML curves.
        total = 0.0
        for c, customer in enumerate(customers):
            reported = result["customers"][c]
            value = 0.0
            for resource in resources:
                hours = reported["hours"][resource]
                value += value_at(curve_of(customer.get("response", {}).get(resource)), hours)
            value *= expected_multiplier(instance, customer)
            total += value
            if not close(reported["value"], value):
                failures.append("%s: %s's value capplan %.9g curve %.9g" % (tag, customer["id"], reported["value"], value))
        if not close(result["totals"]["value"], total):
            failures.append("%s: total value capplan %.9g curves %.9g" % (tag, result["totals"]["value"], total))

        # Shadow prices: equal to HiGHS's, or an optimal dual solution of the same LP.
        capplan_dual = {}
        for constraint in result["constraints"]:
            name = constraint["id"]
            i = row[name]
            y = row_dual[i]
            price = constraint["shadow_price"]
            if constraint["unit"] == "percentage point":
                base = share_base(instance, result, name)
                capplan_dual[i] = price * 100.0 / base if base else 0.0
            else:
                capplan_dual[i] = price
        differing = [i for i, y in capplan_dual.items() if not close(y, row_dual[i])]
        if differing:
            problems = dual_optimality(lp, columns, rows, capplan_dual, x, optimum, point)
            for problem in problems:
                failures.append("%s: %s (prices differ from HiGHS at %s)" % (tag, problem, ", ".join(rows[i] for i in differing[:3])))

        # Reduced costs by the documented formula, from HiGHS's duals.
        own_families = ("floor", "cap", "expectation", "max_increase", "max_decrease", "force")
        for a in result["allocations"]:
            key = "%s/%s" % (a["customer"], a["resource"])
            customer = next(c for c in customers if c["id"] == a["customer"])
            j = col["hours[%s]" % key]
            shared = 0.0
            for i, coefficient in columns[j]:
                name = rows[i]
                family, inside = name.split("[", 1)[0], name.split("[", 1)[1][:-1]
                if name.startswith("response["):
                    continue
                if family in own_families and inside == key:
                    continue
                if family == "share_cap" and inside == "%s/%s" % (a["resource"], a["customer"]):
                    continue
                shared += coefficient * row_dual[i]
            curve = curve_of(customer.get("response", {}).get(a["resource"]))
            k = next_piece(curve, a["hours"])
            piece = "piece[%s/%d]" % (key, k + 1)
            # With revenue scenarios ([risk]) a curve's values are its expected values: the judged
            # curve times the probability-weighted mean of the customer's multipliers.
            marginal = curve[1][k][0] * expected_multiplier(instance, customer)
            if piece in col:
                for i, coefficient in columns[col[piece]]:
                    if not rows[i].startswith("response["):
                        shared += coefficient * row_dual[i]
            # The weight a portfolio category sets is in the report, not in the customer's table.
            weight = next(c for c in result["customers"] if c["customer"] == a["customer"])["priority_weight"]
            expectation = customer.get("expectations", {}).get(a["resource"])
            penalty = 0.0
            if expectation and expectation.get("kind") == "soft" and a["hours"] < expectation["hours"] - 1e-6 * (1 + expectation["hours"]):
                penalty = float(expectation["penalty_per_hour"])
            cost = float(next(r for r in instance["resources"] if r["id"] == a["resource"]).get("cost_per_hour", 0.0))
            expected = weight * marginal + penalty - cost - shared
            if not close(a["reduced_cost"], expected) and not differing:
                failures.append("%s: reduced cost of %s capplan %.9g HiGHS duals %.9g" % (tag, key, a["reduced_cost"], expected))
        if relaxed is not None and not close(relaxed, optimum):
            return "optimal, relaxation inexact"
        return "optimal"


def period_multiplier(instance, period, customer):
    """A customer's value multiplier in one period: the period's times the customer's own there."""
    own = period.get("customers", {}).get(customer["id"], {}).get("value_multiplier", 1.0)
    return float(period.get("value_multiplier", 1.0)) * float(own)


def check_horizon(capplan, path, failures):
    tag = os.path.basename(path)
    with tempfile.TemporaryDirectory() as tmp:
        mps = os.path.join(tmp, "model.mps")
        exported = run(capplan, "export", path, "--format", "mps", "--output", mps)
        if exported.returncode != 0:
            failures.append("%s: export failed: %s" % (tag, exported.stderr.strip()))
            return None
        solved = run(capplan, "solve", path, "--format", "json", "-q", "--solver", SOLVER)
        report = json.loads(solved.stdout) if solved.stdout.strip() else None
        h = highs_model(mps)
        lp, names, rows, columns = lp_data(h)
        binaries = exact_curves(h, lp, names, rows, columns)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            if solved.returncode != 3:
                failures.append("%s: HiGHS infeasible, capplan exit %d" % (tag, solved.returncode))
            return "horizon infeasible"
        if status != highspy.HighsModelStatus.kOptimal or solved.returncode != 0:
            failures.append("%s: HiGHS %s, capplan exit %d %s" % (tag, h.modelStatusToString(status), solved.returncode, solved.stderr.strip()))
            return None
        result = report["result"]
        optimum = h.getInfo().objective_function_value
        if not close(result["objective"], optimum):
            failures.append("%s: optimum capplan %.9g HiGHS %.9g" % (tag, result["objective"], optimum))
        x = list(h.getSolution().col_value)
        if binaries:
            for z in range(lp.num_col_, h.getNumCol()):
                value = round(x[z])
                h.changeColIntegrality(z, highspy.HighsVarType.kContinuous)
                h.changeColBounds(z, value, value)
            h.run()
        solution = h.getSolution()
        row_dual = list(solution.row_dual)
        x = list(solution.col_value)

        instance = tomllib.load(open(path, "rb"))
        resources = [r["id"] for r in instance["resources"]]
        customers = instance["customers"]
        periods = instance["periods"]
        col = {name: j for j, name in enumerate(names)}
        row = {name: i for i, name in enumerate(rows)}
        point = [0.0] * lp.num_col_
        for period, planned in zip(periods, result["periods"]):
            p = period["id"]
            plan = planned["plan"]
            for a in plan["allocations"]:
                key = "%s/%s" % (a["customer"], a["resource"])
                point[col["hours[%s@%s]" % (key, p)]] = a["hours"]
                remaining = a["hours"]
                k = 1
                while "piece[%s/%d@%s]" % (key, k, p) in col:
                    j = col["piece[%s/%d@%s]" % (key, k, p)]
                    used = min(remaining, lp.col_upper_[j])
                    point[j] = used
                    remaining -= used
                    k += 1
            for e in plan["expansions"]:
                point[col["expansion[%s/%s@%s]" % (e["resource"], e["option"], p)]] = e["hours"]
            for g in plan["expectations"]:
                name = "shortfall[%s/%s@%s]" % (g["customer"], g["resource"], p)
                if name in col:
                    point[col[name]] = g["shortfall_hours"]
            if "total_value[@%s]" % p in col:
                point[col["total_value[@%s]" % p]] = plan["totals"]["value"]
            # Values from the TOML curves, times the period's multipliers.
            for c, customer in enumerate(customers):
                reported = plan["customers"][c]
                value = sum(value_at(curve_of(customer.get("response", {}).get(r)), reported["hours"][r]) for r in resources)
                value *= period_multiplier(instance, period, customer)
                if not close(reported["value"], value):
                    failures.append("%s: %s's value in %s capplan %.9g curve %.9g" % (tag, customer["id"], p, reported["value"], value))
        if "objective_constant" in col:
            point[col["objective_constant"]] = 1.0
        activity = [0.0] * lp.num_row_
        for j in range(lp.num_col_):
            for i, a in columns[j]:
                activity[i] += a * point[j]
        for i in range(lp.num_row_):
            size = 1.0 + abs(lp.row_lower_[i] if lp.row_lower_[i] > -1e300 else 0) + abs(lp.row_upper_[i] if lp.row_upper_[i] < 1e300 else 0)
            if activity[i] < lp.row_lower_[i] - TOL * size * 10 or activity[i] > lp.row_upper_[i] + TOL * size * 10:
                failures.append("%s: capplan's plan breaks %s (activity %.9g)" % (tag, rows[i], activity[i]))
        worth = lp.offset_ + sum(lp.col_cost_[j] * point[j] for j in range(lp.num_col_))
        if not close(worth, optimum):
            failures.append("%s: capplan's plan is worth %.9g in the exported model, optimum %.9g" % (tag, worth, optimum))

        capplan_dual = {}
        for planned in result["periods"]:
            for constraint in planned["plan"]["constraints"]:
                i = row[constraint["id"]]
                price = constraint["shadow_price"]
                if constraint["unit"] == "percentage point":
                    base = share_base(instance, planned["plan"], constraint["id"].split("@")[0] + "]")
                    capplan_dual[i] = price * 100.0 / base if base else 0.0
                else:
                    capplan_dual[i] = price
        for limit in result["change_limits"]:
            capplan_dual[row[limit["id"]]] = limit["shadow_price"]
        differing = [i for i, y in capplan_dual.items() if not close(y, row_dual[i])]
        if differing:
            for problem in dual_optimality(lp, columns, rows, capplan_dual, x, optimum, point):
                failures.append("%s: %s (prices differ from HiGHS at %s)" % (tag, problem, ", ".join(rows[i] for i in differing[:3])))
        return "horizon optimal (%d prices, %d equal to HiGHS's)" % (len(capplan_dual), len(capplan_dual) - len(differing))


def next_piece(curve, hours):
    start = 0.0
    pieces = curve[1]
    for k, (_, length) in enumerate(pieces):
        if length is not None and hours >= start + length - 1e-6 * (1.0 + start + length):
            start += length
            continue
        return k
    return len(pieces) - 1


def share_base(instance, result, name):
    base = name.split("[", 1)[1].split("/", 1)[0]
    if base == "value":
        setting = instance.get("diversification", {}).get("value_share_base", "plan")
        if setting == "plan":
            return result["totals"]["value"]
        if setting == "current":
            total = 0.0
            resources = [r["id"] for r in instance["resources"]]
            for customer in instance["customers"]:
                for resource in resources:
                    hours = float(customer.get("current_hours", {}).get(resource, 0.0))
                    multiplier = expected_multiplier(instance, customer)
                    total += multiplier * value_at(curve_of(customer.get("response", {}).get(resource)), hours)
            return total
        return float(setting)
    return next(r for r in result["resources"] if r["resource"] == base)["available_hours"]


def dual_optimality(lp, columns, rows, capplan_dual, x, optimum, point):
    """Checks that capplan's row prices (rows without a price are 0, internal rows taken from the
    reduced-cost balance) are an optimal dual solution: the dual objective equals the optimum and
    every reduced cost has the sign its variable's bounds allow at the optimal point."""
    # Internal rows (response, total_value) are not reported; they are solved for here from the
    # columns whose reduced cost must vanish: a basic variable strictly inside its bounds.
    problems = []
    y = [capplan_dual.get(i, None) for i in range(lp.num_row_)]
    unknown = [i for i in range(lp.num_row_) if y[i] is None]
    # Response rows: each has its hours column (coefficient 1); piece columns carry -1.
    for i in unknown:
        y[i] = 0.0
    # Iterate: for each unknown row, find a column inside its bounds touching it and only known rows.
    known = set(i for i in range(lp.num_row_) if i not in unknown)
    progress = True
    while progress and len(known) < lp.num_row_:
        progress = False
        for j in range(lp.num_col_):
            inside = point[j] > lp.col_lower_[j] + 1e-7 * (1 + abs(point[j])) and point[j] < lp.col_upper_[j] - 1e-7 * (1 + abs(point[j]))
            if not inside:
                continue
            missing = [(i, a) for i, a in columns[j] if i not in known]
            if len(missing) != 1:
                continue
            i, a = missing[0]
            rest = sum(a2 * y[i2] for i2, a2 in columns[j] if i2 != i)
            y[i] = (lp.col_cost_[j] - rest) / a
            known.add(i)
            progress = True
    if len(known) < lp.num_row_:
        return []  # not determined by the point: nothing to contradict
    objective = lp.offset_
    for i in range(lp.num_row_):
        rhs = lp.row_upper_[i] if y[i] > 0 else lp.row_lower_[i]
        if y[i] != 0:
            objective += y[i] * rhs
    for j in range(lp.num_col_):
        d = lp.col_cost_[j] - sum(a * y[i] for i, a in columns[j])
        scale = max(1.0, abs(lp.col_cost_[j]))
        if d > TOL * scale:
            if lp.col_upper_[j] >= 1e300:
                problems.append("capplan's prices leave a positive reduced cost on unbounded %d" % j)
                return problems
            objective += d * lp.col_upper_[j]
        elif d < -TOL * scale:
            if lp.col_lower_[j] <= -1e300:
                problems.append("capplan's prices leave a negative reduced cost on free column %d" % j)
                return problems
            objective += d * lp.col_lower_[j]
    if not close(objective, optimum, scale=abs(optimum)):
        problems.append("capplan's prices give the dual objective %.9g, optimum %.9g" % (objective, optimum))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capplan", default="target/release/capplan")
    parser.add_argument("--random", type=int, default=200)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--solver", default="auto")
    parser.add_argument("instances", nargs="*")
    args = parser.parse_args()
    global SOLVER
    SOLVER = args.solver
    paths = args.instances or EXAMPLES
    failures = []
    counts = {}
    for path in paths:
        horizon = "periods" in tomllib.load(open(path, "rb"))
        outcome = (check_horizon if horizon else check)(args.capplan, path, failures)
        counts[outcome] = counts.get(outcome, 0) + 1
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.random):
            path = os.path.join(tmp, "random-%d.toml" % index)
            with open(path, "w") as file:
                file.write(random_instance(rng, index))
            before = len(failures)
            outcome = check(args.capplan, path, failures)
            counts[outcome] = counts.get(outcome, 0) + 1
            if len(failures) > before:
                keep = "/tmp/highs-check-random-%d.toml" % index
                with open(keep, "w") as file:
                    file.write(open(path).read())
                failures[before] += " [kept as %s]" % keep
    print("highs_check: HiGHS %s, %d example and %d random instances (seed %d): %s"
          % (highspy.Highs().version(), len(paths), args.random, args.seed, ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items(), key=str))))
    for failure in failures:
        print("FAIL " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
