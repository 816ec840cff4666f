//! `capplan compare`: solve the base instance and each scenario, and report them side by side.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{EXIT_INPUT, EXIT_INTERNAL, emit, load_single_quarter, load_with_scenario};
use crate::analysis::Status;
use crate::analysis::compare::{COLUMN_ANALYSES, CompareInput, Comparison, compare, comparison_exit_code};
use crate::analysis::force::{WhatIfSolve, solve_what_if_on};
use crate::formulation::formulate;
use crate::model::{AppliedScenario, Instance};
use crate::report::{Format, render_comparison};
use crate::solve::{Backend, SolverChoice};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The base instance file (TOML).
    pub instance: PathBuf,
    /// Scenario files (TOML, see docs/scenarios.md), each applied to the base on its own.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output format: text (plans side by side), json (one document, see docs/scenarios.md) or
    /// csv (one long table: plan,status,measure,customer,resource,value,base_value,change).
    #[arg(long, value_enum, default_value_t = Format::Text, hide_possible_values = true)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// LP backend; `auto` is capplan's engine for every column (it solves every model, so the
    /// header's "Solver" is true of all of them).
    #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
    pub solver: SolverChoice,
    /// Stop after this many seconds for all the plans together: a plan not yet proven optimal
    /// gets status time_limit (exit code 5 unless a plan is infeasible or unbounded); the
    /// diagnosis of an infeasible plan not yet finished is cut short and the report says so.
    #[arg(long, value_name = "SECONDS", value_parser = super::solve::parse_time_limit)]
    pub time_limit: Option<Duration>,
}

pub(super) fn run(args: &CompareArgs) -> i32 {
    let base = match load_single_quarter(&args.instance, args.format == Format::Json, "compare") {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    // Every file is read and checked before anything is solved, so that a typo in the last
    // scenario does not cost the solves of the others.
    let mut scenarios = Vec::with_capacity(args.scenarios.len());
    let mut failed = None;
    for path in &args.scenarios {
        match load_with_scenario(&args.instance, path, args.format == Format::Json) {
            Ok(loaded) => scenarios.push(loaded),
            Err(code) => failed = Some(code),
        }
    }
    if let Some(code) = failed {
        return code;
    }
    // The names head the columns; two columns with one name could not be told apart.
    for (index, (_, applied)) in scenarios.iter().enumerate() {
        if let Some((_, first)) = scenarios[..index].iter().find(|(_, other)| other.name == applied.name) {
            eprintln!(
                "error: {} and {} are both named {:?}; give each scenario its own [scenario] name",
                first.file, applied.file, applied.name
            );
            return EXIT_INPUT;
        }
        if applied.name == "base" {
            eprintln!("error: {}: the scenario name \"base\" is reserved for the instance as written", applied.file);
            return EXIT_INPUT;
        }
    }
    // One backend for every column, so that the header's "Solver" is true of all of them; a
    // backend this build lacks, or the separable one on a model it cannot solve, is a usage error.
    let backend = match args.solver {
        SolverChoice::Auto | SolverChoice::Engine => Backend::Engine,
        SolverChoice::Microlp => Backend::Microlp,
        SolverChoice::Clarabel => Backend::Clarabel,
        SolverChoice::Separable => Backend::Separable,
        SolverChoice::Highs => Backend::Highs,
    };
    // The deadline counts from here, as in `solve`: reading the files is not part of the solves.
    let deadline = args.time_limit.map(|limit| Instant::now() + limit);
    let instances: Vec<&Instance> = std::iter::once(&base).chain(scenarios.iter().map(|(instance, _)| instance)).collect();
    let solved = match solve_columns(&instances, backend, deadline) {
        Ok(solved) => solved,
        Err(code) => return code,
    };
    let comparison = comparison_of(&base, &scenarios, &solved);
    let text = render_comparison(&comparison, args.format);
    if let Err(code) = emit(args.output.as_deref(), &text) {
        return code;
    }
    for plan in comparison.plans.iter().filter(|plan| plan.status != Status::Optimal) {
        eprintln!("capplan: {}: status {}: no optimal plan", plan.label, plan.status.name());
    }
    comparison_exit_code(&comparison)
}

/// The comparison of the solved plans: `solved[0]` is the base's, then one per scenario.
fn comparison_of(base: &Instance, scenarios: &[(Instance, AppliedScenario)], solved: &[WhatIfSolve]) -> Comparison {
    let mut inputs =
        vec![CompareInput { instance: base, scenario: None, report: &solved[0].report, diagnosis: solved[0].diagnosis.as_ref() }];
    for ((instance, applied), result) in scenarios.iter().zip(&solved[1..]) {
        inputs.push(CompareInput {
            instance,
            scenario: Some(applied.clone()),
            report: &result.report,
            diagnosis: result.diagnosis.as_ref(),
        });
    }
    compare(&inputs)
}

/// Solves each plan of the comparison, the base first, with the analyses its columns show
/// ([`COLUMN_ANALYSES`]); on failure the exit code, its reason printed.
fn solve_columns(instances: &[&Instance], backend: Backend, deadline: Option<Instant>) -> Result<Vec<WhatIfSolve>, i32> {
    let mut solved = Vec::with_capacity(instances.len());
    // capplan's engine keeps one session across the columns: a scenario whose model has the
    // base's shape (changed capacities, floors, values) re-solves warm from the last basis.
    let mut session = None;
    for &instance in instances {
        let formulation = formulate(instance);
        let choice = super::fixed_backend(backend, &formulation).map_err(|message| {
            eprintln!("error: {message}");
            EXIT_INPUT
        })?;
        let column = solve_what_if_on(instance, &formulation, &[], &choice, COLUMN_ANALYSES, deadline, &mut session);
        solved.push(column.map_err(|error| {
            eprintln!("error: internal: {error}");
            EXIT_INTERNAL
        })?);
    }
    Ok(solved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::PlanAnalyses;
    use crate::generate::{Settings, generate};
    use crate::model::apply_scenario_file;
    use std::path::Path;

    /// Solves the columns as `compare` did before it chose its analyses: every one, on one
    /// session across the columns.
    fn solve_columns_with_every_analysis(instances: &[&Instance]) -> Vec<WhatIfSolve> {
        let mut session = None;
        instances
            .iter()
            .map(|&instance| {
                let formulation = formulate(instance);
                let choice = super::super::fixed_backend(Backend::Engine, &formulation).unwrap();
                solve_what_if_on(instance, &formulation, &[], &choice, PlanAnalyses::ALL, None, &mut session).unwrap()
            })
            .collect()
    }

    /// A comparison solved as `compare` solves it, and as it was solved when every analysis ran.
    struct Solved {
        base: Instance,
        scenarios: Vec<(Instance, AppliedScenario)>,
        columns: Vec<WhatIfSolve>,
        priced: Vec<WhatIfSolve>,
    }

    impl Solved {
        fn of(base_path: &Path, scenario_paths: &[&Path]) -> Solved {
            let base = Instance::from_file(base_path).unwrap();
            let scenarios: Vec<(Instance, AppliedScenario)> =
                scenario_paths.iter().map(|path| apply_scenario_file(base_path, path).unwrap()).collect();
            let instances: Vec<&Instance> = std::iter::once(&base).chain(scenarios.iter().map(|(instance, _)| instance)).collect();
            let columns = solve_columns(&instances, Backend::Engine, None).unwrap();
            let priced = solve_columns_with_every_analysis(&instances);
            Solved { base, scenarios, columns, priced }
        }

        /// Asserts that `compare` priced no promise and no policy; whether every analysis priced
        /// any (promises, policies), so that the assertion can fail.
        fn assert_nothing_priced(&self) -> (bool, bool) {
            let plans = |solved: &[WhatIfSolve]| -> Vec<crate::analysis::Plan> {
                solved.iter().filter_map(|column| column.report.plan.clone()).collect()
            };
            let (column_plans, priced_plans) = (plans(&self.columns), plans(&self.priced));
            assert_eq!(column_plans.len(), priced_plans.len());
            let promise_priced = priced_plans.iter().flat_map(|plan| &plan.constraints).any(|c| c.exact_cost.is_some());
            let policy_priced = priced_plans
                .iter()
                .flat_map(|plan| plan.portfolio.iter().flat_map(|portfolio| &portfolio.categories))
                .any(|category| category.policy_cost.is_some());
            for plan in &column_plans {
                assert!(plan.constraints.iter().all(|c| c.exact_cost.is_none()), "a promise was priced");
                let categories = plan.portfolio.iter().flat_map(|portfolio| &portfolio.categories);
                assert!(categories.into_iter().all(|category| category.policy_cost.is_none()), "a policy was priced");
            }
            (promise_priced, policy_priced)
        }

        /// The report in `format` as `compare` writes it now, and as it wrote it when every
        /// analysis ran.
        fn rendered(&self, format: Format) -> (String, String) {
            let now = comparison_of(&self.base, &self.scenarios, &self.columns);
            let before = comparison_of(&self.base, &self.scenarios, &self.priced);
            (render_comparison(&now, format), render_comparison(&before, format))
        }

        fn assert_reads_as_before(&self, format: Format) {
            let (now, before) = self.rendered(format);
            let differs = now.lines().zip(before.lines()).enumerate().find(|(_, (a, b))| a != b);
            assert!(differs.is_none() && now.len() == before.len(), "{format:?}: (line, (now, before)) {differs:?}");
        }
    }

    /// Whether two JSON documents are the same but for numbers within `relative` of each other.
    fn same_json(a: &serde_json::Value, b: &serde_json::Value, relative: f64) -> bool {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                (x - y).abs() <= relative * x.abs().max(y.abs()).max(1.0)
            }
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y, relative)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y, relative)))
            }
            _ => a == b,
        }
    }

    /// `compare` shows no promise or policy price, so it computes none (a re-solve each, at a
    /// tight capacity often a curve-order branch each), and what it shows reads as before.
    #[test]
    fn issue9_compare_prices_no_promise_or_policy_and_reads_as_before() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dsp_scenarios: Vec<std::path::PathBuf> =
            std::fs::read_dir(root.join("instances/scenarios")).unwrap().map(|entry| entry.unwrap().path()).collect();
        dsp_scenarios.sort();
        let paths: Vec<&Path> = dsp_scenarios.iter().map(|path| path.as_path()).collect();
        let dsp = Solved::of(&root.join("instances/dsp.toml"), &paths);
        assert!(dsp.assert_nothing_priced().0);
        assert!(dsp.columns.iter().any(|column| column.diagnosis.is_some()), "promise-engineering keeps its diagnosis");
        for format in [Format::Text, Format::Json, Format::Csv] {
            dsp.assert_reads_as_before(format);
        }

        // Diversified customers at tight and loose engineering capacity, where the exact costs
        // of promises branch in curve order. Each column re-solves warm from the last basis,
        // now the previous column's plan's: its numbers may differ in their last digits, which
        // the JSON writes (nine decimals) and which can tip the text's rounding of 4.65 hours.
        let dir = tempfile::TempDir::new().unwrap();
        let settings = Settings { diversify: true, ..Settings::new(200, 3) };
        let base_path = dir.path().join("generated.toml");
        std::fs::write(&base_path, generate(&settings)).unwrap();
        let engineering = Instance::from_file(&base_path).unwrap().resources()[2].capacity_hours();
        let scenario_paths: Vec<std::path::PathBuf> = [0.9, 0.95, 1.1]
            .iter()
            .map(|share| {
                let path = dir.path().join(format!("engineering-{share}.toml"));
                let text = format!(
                    "[scenario]\nname = \"engineering {share}\"\n\n[resources.engineering]\ncapacity_hours = {}\n",
                    share * engineering
                );
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect();
        let paths: Vec<&Path> = scenario_paths.iter().map(|path| path.as_path()).collect();
        let generated = Solved::of(&base_path, &paths);
        assert!(generated.assert_nothing_priced().0);
        let (now, before) = generated.rendered(Format::Json);
        let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert!(same_json(&parse(&now), &parse(&before), 1e-12));

        // A portfolio model's category policies, as written and with less service. The plan
        // with less service is degenerate: its sales hour has more than one price, and the
        // comparison gives the one a solve of the scenario on its own gives (the policy
        // re-solves used to leave the session at a basis that priced it 30 EUR instead of 25).
        let tiers = root.join("instances/tiers.toml");
        let less_service = dir.path().join("less-service.toml");
        std::fs::write(&less_service, "[scenario]\nname = \"less service\"\n\n[resources.service]\ncapacity_hours = 80\n").unwrap();
        let portfolio = Solved::of(&tiers, &[&less_service]);
        assert!(portfolio.assert_nothing_priced().1);
        let instances = std::iter::once(&portfolio.base).chain(portfolio.scenarios.iter().map(|(instance, _)| instance));
        for (instance, column) in instances.zip(&portfolio.columns) {
            let formulation = formulate(instance);
            let choice = super::super::fixed_backend(Backend::Engine, &formulation).unwrap();
            let alone = crate::analysis::force::solve_what_if(instance, &formulation, &[], &choice, None).unwrap();
            let prices = |solved: &WhatIfSolve| -> Vec<(String, f64)> {
                let plan = solved.report.plan.as_ref().expect("an optimal plan");
                plan.resources.iter().map(|r| (r.resource.clone(), r.shadow_price)).collect()
            };
            assert_eq!(prices(column), prices(&alone));
        }
    }
}
