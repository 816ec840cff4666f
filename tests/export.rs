//! `capplan export`: the LP and MPS files hold exactly the model capplan solves. Each file is read
//! back by the small readers below (written for these tests, independent of the writer), compared
//! with the original LP term by term, and solved by a different backend than the original, which
//! must give the same optimum.

use std::collections::BTreeMap;

use capplan::analysis::solve;
use capplan::formulation::export::{ExportFormat, export, lp_name};
use capplan::formulation::{LinearProgram, LpRow, Sense, formulate};
use capplan::generate::{DEFAULT_RESOURCES, Settings, generate};
use capplan::model::Instance;
use capplan::solve::{Backend, LpOutcome, solve_lp};

/// Variables by name, created on first sight with the default bounds [0, inf).
#[derive(Default)]
struct Builder {
    lp: LinearProgram,
    index: BTreeMap<String, usize>,
}

impl Builder {
    fn variable(&mut self, name: &str) -> usize {
        if let Some(&index) = self.index.get(name) {
            return index;
        }
        let index = self.lp.add_variable(name.to_string(), 0.0, f64::INFINITY, 0.0);
        self.index.insert(name.to_string(), index);
        index
    }
}

fn number(token: &str) -> f64 {
    match token {
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => token.parse().unwrap_or_else(|_| panic!("not a number: {token:?}")),
    }
}

fn sense(token: &str) -> Option<Sense> {
    match token {
        "<=" => Some(Sense::Le),
        ">=" => Some(Sense::Ge),
        "=" => Some(Sense::Eq),
        _ => None,
    }
}

/// Reads `+ 3 x - 2 y + 5`: terms, and a trailing constant without a name.
fn read_terms(builder: &mut Builder, tokens: &[&str]) -> (Vec<(usize, f64)>, f64) {
    let (mut terms, mut constant) = (Vec::new(), 0.0);
    let mut at = 0;
    while at < tokens.len() {
        let sign = match tokens[at] {
            "+" => 1.0,
            "-" => -1.0,
            other => panic!("expected a sign, found {other:?}"),
        };
        let coefficient = sign * number(tokens[at + 1]);
        match tokens.get(at + 2) {
            Some(&name) if name != "+" && name != "-" => {
                let variable = builder.variable(name);
                terms.push((variable, coefficient));
                at += 3;
            }
            _ => {
                constant += coefficient;
                at += 2;
            }
        }
    }
    (terms, constant)
}

/// Reads the CPLEX LP subset capplan writes.
fn read_lp(text: &str) -> LinearProgram {
    let mut builder = Builder::default();
    let mut sections: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut current = "";
    for line in text.lines().filter(|line| !line.starts_with('\\')) {
        match line.trim() {
            "Maximize" | "Subject To" | "Bounds" | "End" => current = line.trim(),
            _ => sections.entry(current).or_default().push(line),
        }
    }
    let objective: Vec<&str> = sections["Maximize"].iter().flat_map(|line| line.split_whitespace()).collect();
    assert_eq!(objective[0], "obj:");
    let (terms, constant) = read_terms(&mut builder, &objective[1..]);
    let objective_terms = terms;
    builder.lp.objective_constant = constant;
    let constraint_tokens: Vec<&str> = sections["Subject To"].iter().flat_map(|line| line.split_whitespace()).collect();
    let mut at = 0;
    while at < constraint_tokens.len() {
        let name = constraint_tokens[at].strip_suffix(':').expect("a row starts with its name");
        let end = (at + 1..constraint_tokens.len()).find(|&i| sense(constraint_tokens[i]).is_some()).unwrap();
        let terms = if constraint_tokens[at + 1] == "0" {
            Vec::new()
        } else {
            let (terms, constant) = read_terms(&mut builder, &constraint_tokens[at + 1..end]);
            assert_eq!(constant, 0.0);
            terms
        };
        builder.lp.rows.push(LpRow {
            name: name.to_string(),
            terms,
            sense: sense(constraint_tokens[end]).unwrap(),
            rhs: number(constraint_tokens[end + 1]),
        });
        at = end + 2;
    }
    for line in sections.get("Bounds").into_iter().flatten() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match tokens.as_slice() {
            [name, "free"] => {
                let v = builder.variable(name);
                builder.lp.variables[v].lower = f64::NEG_INFINITY;
            }
            [name, ">=", lower] => {
                let v = builder.variable(name);
                builder.lp.variables[v].lower = number(lower);
            }
            [lower, "<=", name, "<=", upper] => {
                let v = builder.variable(name);
                builder.lp.variables[v].lower = number(lower);
                builder.lp.variables[v].upper = number(upper);
            }
            other => panic!("unexpected bound line {other:?}"),
        }
    }
    for (variable, coefficient) in objective_terms {
        builder.lp.variables[variable].objective += coefficient;
    }
    builder.lp
}

/// Reads the free MPS capplan writes (maximisation; objective constant = -RHS of the objective).
fn read_mps(text: &str) -> LinearProgram {
    let mut builder = Builder::default();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    let mut objective_row = String::new();
    let mut section = String::new();
    let mut maximise = false;
    for line in text.lines().filter(|line| !line.starts_with('*') && !line.trim().is_empty()) {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap().to_string();
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match (section.as_str(), tokens.as_slice()) {
            ("OBJSENSE", [word]) => maximise = matches!(*word, "MAX" | "MAXIMIZE"),
            ("ROWS", ["N", name]) => objective_row = name.to_string(),
            ("ROWS", [kind, name]) => {
                let sense = match *kind {
                    "L" => Sense::Le,
                    "G" => Sense::Ge,
                    "E" => Sense::Eq,
                    other => panic!("row kind {other}"),
                };
                rows.insert(name.to_string(), builder.lp.rows.len());
                builder.lp.rows.push(LpRow { name: name.to_string(), terms: Vec::new(), sense, rhs: 0.0 });
            }
            ("COLUMNS", [column, row, value]) => {
                let variable = builder.variable(column);
                if *row == objective_row {
                    builder.lp.variables[variable].objective += number(value);
                } else {
                    builder.lp.rows[rows[*row]].terms.push((variable, number(value)));
                }
            }
            ("RHS", [_, row, value]) => {
                if *row == objective_row {
                    builder.lp.objective_constant = -number(value);
                } else {
                    builder.lp.rows[rows[*row]].rhs = number(value);
                }
            }
            ("BOUNDS", [kind, _, column, rest @ ..]) => {
                let v = builder.variable(column);
                let variable = &mut builder.lp.variables[v];
                match (*kind, rest) {
                    ("FR", []) => (variable.lower, variable.upper) = (f64::NEG_INFINITY, f64::INFINITY),
                    ("MI", []) => variable.lower = f64::NEG_INFINITY,
                    ("UP", [value]) => variable.upper = number(value),
                    ("LO", [value]) => variable.lower = number(value),
                    ("FX", [value]) => (variable.lower, variable.upper) = (number(value), number(value)),
                    other => panic!("bound {other:?}"),
                }
            }
            other => panic!("unexpected MPS line {other:?}"),
        }
    }
    assert!(maximise, "capplan's models are maximised");
    builder.lp
}

/// The same LP, up to the order of terms within a row, with names mapped by `rename`.
fn assert_same_lp(original: &LinearProgram, read: &LinearProgram, rename: impl Fn(&str) -> String) {
    assert_eq!(original.variables.len(), read.variables.len());
    assert_eq!(original.rows.len(), read.rows.len());
    assert_eq!(original.objective_constant, read.objective_constant);
    let read_index: BTreeMap<&str, usize> = read.variables.iter().enumerate().map(|(i, v)| (v.name.as_str(), i)).collect();
    let mapping: Vec<usize> = original.variables.iter().map(|v| read_index[rename(&v.name).as_str()]).collect();
    for (j, variable) in original.variables.iter().enumerate() {
        let other = &read.variables[mapping[j]];
        assert_eq!((variable.lower, variable.upper, variable.objective), (other.lower, other.upper, other.objective), "{}", variable.name);
    }
    for (row, other) in original.rows.iter().zip(&read.rows) {
        assert_eq!(rename(&row.name), other.name);
        assert_eq!((row.sense, row.rhs), (other.sense, other.rhs), "{}", row.name);
        let mut expected: Vec<(usize, f64)> = row.terms.iter().map(|&(j, a)| (mapping[j], a)).collect();
        let mut found = other.terms.clone();
        expected.sort_by_key(|term| term.0);
        found.sort_by_key(|term| term.0);
        assert_eq!(expected, found, "{}", row.name);
    }
}

fn example(name: &str) -> Instance {
    Instance::from_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(format!("{name}.toml"))).unwrap()
}

fn generated(customers: usize, seed: u64) -> Instance {
    let settings = Settings { customers, seed, resources: DEFAULT_RESOURCES.map(String::from).to_vec() };
    Instance::from_toml_str("generated.toml", &generate(&settings)).unwrap()
}

fn optimum(lp: &LinearProgram, backend: Backend) -> f64 {
    match solve_lp(lp, backend).unwrap() {
        LpOutcome::Optimal { objective, .. } => objective,
        other => panic!("re-read model is {other:?}"),
    }
}

/// The examples (value shares, segment limits, expansion) and a generated portfolio: each
/// exported file re-reads to the same LP, and clarabel on the re-read model finds the optimum
/// that microlp or the separable backend found on the original.
#[test]
fn exported_models_reread_to_the_same_lp_and_optimum() {
    let instances =
        [("tiny", example("tiny")), ("dsp", example("dsp")), ("three-groups", example("three-groups")), ("generated", generated(150, 3))];
    for (label, instance) in &instances {
        let formulation = formulate(instance);
        let original_backend = if label == &"generated" { Backend::Separable } else { Backend::Microlp };
        let expected = solve(instance, original_backend).unwrap().plan.unwrap().objective;
        for format in [ExportFormat::Lp, ExportFormat::Mps] {
            let text = export(&formulation.lp, format, label);
            let read = match format {
                ExportFormat::Lp => read_lp(&text),
                ExportFormat::Mps => read_mps(&text),
            };
            match format {
                ExportFormat::Lp => assert_same_lp(&formulation.lp, &read, lp_name),
                ExportFormat::Mps => assert_same_lp(&formulation.lp, &read, str::to_string),
            }
            let found = optimum(&read, Backend::Clarabel);
            assert!((found - expected).abs() <= 1e-6 * (1.0 + expected.abs()), "{label} {format:?}: {found} vs {expected}");
        }
    }
}

/// The LP format's renaming is the only change to names, and it can be undone: no two variables
/// and no two rows collide (the two are separate name spaces) and no name keeps a character the
/// format reserves.
#[test]
fn lp_names_are_legal_and_distinct() {
    let formulation = formulate(&example("three-groups"));
    let variables: Vec<String> = formulation.lp.variables.iter().map(|v| lp_name(&v.name)).collect();
    let rows: Vec<String> = formulation.lp.rows.iter().map(|r| lp_name(&r.name)).collect();
    for names in [&variables, &rows] {
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }
    for name in variables.iter().chain(&rows) {
        assert!(!name.contains(['[', ']', '-', '/', '+', ':', '<', '>', '=', '*', '^', ' ']), "{name}");
        assert!(name.starts_with(|c: char| c.is_ascii_alphabetic()), "{name}");
    }
}

/// Exporting is a pure function of the instance.
#[test]
fn export_is_deterministic() {
    let first = formulate(&example("dsp"));
    let again = formulate(&example("dsp"));
    for format in [ExportFormat::Lp, ExportFormat::Mps] {
        assert_eq!(export(&first.lp, format, "dsp"), export(&again.lp, format, "dsp"));
    }
}
