//! `capplan export`: the LP and MPS files hold exactly the model capplan solves. Each file is read
//! back by the small readers below (written for these tests, independent of the writer), compared
//! with the original LP term by term, and solved by a different backend than the original, which
//! must give the same optimum. The readers are strict: they refuse what one of HiGHS, GLPK or Clp
//! refuses or reads differently (a constant in the LP objective, an OBJSENSE section or an
//! objective RHS in MPS). A last test hands the files to those solvers themselves, when installed.

#[path = "support/scratch.rs"]
mod scratch;

use std::collections::BTreeMap;
use std::path::Path;

use capplan::analysis::solve;
use capplan::formulation::export::{CONSTANT_VARIABLE, ExportFormat, export, lp_name};
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

/// Reads `+ 3 x - 2 y + 5 objective_constant`: terms, and the coefficient of the constant's
/// variable (which is not made a variable). A constant without a name is refused: GLPK's LP
/// reader refuses it.
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
            Some(&name) if name == CONSTANT_VARIABLE => {
                constant += coefficient;
                at += 3;
            }
            Some(&name) if name != "+" && name != "-" => {
                let variable = builder.variable(name);
                terms.push((variable, coefficient));
                at += 3;
            }
            _ => panic!("a constant term without a variable, which GLPK's LP reader refuses: {:?}", &tokens[at..]),
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
    let mut constant_fixed = false;
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
            [name, "=", "1"] if *name == CONSTANT_VARIABLE => constant_fixed = true,
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
    assert_eq!(constant_fixed, constant != 0.0, "the constant's variable is fixed at 1 exactly when there is a constant");
    for (variable, coefficient) in objective_terms {
        builder.lp.variables[variable].objective += coefficient;
    }
    builder.lp
}

/// Reads the free MPS capplan writes: the minimisation form (no OBJSENSE, which GLPK refuses),
/// so every objective coefficient is negated back; the constant is the coefficient of the fixed
/// variable `objective_constant` (an objective RHS is refused: readers disagree on its sign).
fn read_mps(text: &str) -> LinearProgram {
    let mut builder = Builder::default();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    let mut objective_row = String::new();
    let mut section = String::new();
    let mut constant_fixed = false;
    for line in text.lines().filter(|line| !line.starts_with('*') && !line.trim().is_empty()) {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap().to_string();
            assert_ne!(section, "OBJSENSE", "GLPK refuses an OBJSENSE section");
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match (section.as_str(), tokens.as_slice()) {
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
            ("COLUMNS", [column, row, value]) if *column == CONSTANT_VARIABLE => {
                assert_eq!(*row, objective_row, "the constant's variable is in the objective only");
                builder.lp.objective_constant = -number(value);
            }
            ("COLUMNS", [column, row, value]) => {
                let variable = builder.variable(column);
                if *row == objective_row {
                    builder.lp.variables[variable].objective -= number(value);
                } else {
                    builder.lp.rows[rows[*row]].terms.push((variable, number(value)));
                }
            }
            ("RHS", [_, row, value]) => {
                assert_ne!(*row, objective_row, "an objective RHS, whose sign MPS readers disagree on");
                builder.lp.rows[rows[*row]].rhs = number(value);
            }
            ("BOUNDS", ["FX", _, column, "1"]) if *column == CONSTANT_VARIABLE => constant_fixed = true,
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
    assert_eq!(constant_fixed, builder.lp.objective_constant != 0.0, "the constant's variable is fixed at 1");
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
    let settings = Settings { customers, seed, resources: DEFAULT_RESOURCES.map(String::from).to_vec(), diversify: false };
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

/// Where an external solver says the optimum is, or why it was not run.
fn external_optimum(tool: &str, file: &Path) -> Result<f64, String> {
    let run = |command: &mut std::process::Command| {
        command.output().map_err(|error| format!("{tool} not run: {error}")).and_then(|output| {
            if output.status.success() {
                Ok(String::from_utf8_lossy(&output.stdout).into_owned())
            } else {
                Err(format!("{tool} failed on {}: {}", file.display(), String::from_utf8_lossy(&output.stderr)))
            }
        })
    };
    let lp = file.extension().is_some_and(|extension| extension == "lp");
    match tool {
        "glpsol" => {
            let report = file.with_extension(format!("{}.glpk.txt", file.extension().unwrap().to_string_lossy()));
            run(std::process::Command::new("glpsol").arg(if lp { "--lp" } else { "--freemps" }).arg(file).arg("-o").arg(&report))?;
            let text = std::fs::read_to_string(&report).map_err(|error| error.to_string())?;
            // "Objective:  obj = 8130 (MAXimum)"
            let line = text.lines().find(|line| line.starts_with("Objective:")).ok_or("glpsol wrote no objective")?;
            assert!(text.contains("Status:     OPTIMAL"), "glpsol on {}: {text}", file.display());
            line.split('=')
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .ok_or(format!("glpsol: {line}"))
        }
        "clp" => {
            let out = run(std::process::Command::new("clp")
                .arg(file)
                .arg("-primalT")
                .arg("1e-9")
                .arg("-dualT")
                .arg("1e-9")
                .arg("-solve")
                .arg("-quit"))?;
            // "Optimal - objective value -8130"
            let line = out.lines().find(|line| line.starts_with("Optimal - objective value")).ok_or(format!("clp: no optimum in {out}"))?;
            line.rsplit(' ').next().and_then(|n| n.parse().ok()).ok_or(format!("clp: {line}"))
        }
        "highspy" => {
            let script = "import sys, highspy\nh = highspy.Highs()\nh.setOptionValue('output_flag', False)\n\
                          assert h.readModel(sys.argv[1]) == highspy.HighsStatus.kOk\nh.run()\n\
                          assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()\n\
                          print(repr(h.getInfo().objective_function_value))\n";
            let out = run(std::process::Command::new("python3").arg("-c").arg(script).arg(file))?;
            // HiGHS prints its banner on standard output before the number.
            out.lines().last().and_then(|line| line.trim().parse().ok()).ok_or(format!("highspy printed {out:?}"))
        }
        _ => unreachable!(),
    }
}

fn tool_available(tool: &str) -> bool {
    let probe = match tool {
        "highspy" => std::process::Command::new("python3").args(["-c", "import highspy"]).output(),
        "clp" => std::process::Command::new("clp").arg("-quit").output(),
        _ => std::process::Command::new(tool).arg("--version").output(),
    };
    probe.is_ok_and(|output| output.status.success())
}

/// HiGHS (highspy), GLPK (glpsol) and Clp read the exported LP and MPS files and find capplan's
/// optimum: the LP file's maximum is the contribution, the MPS file's minimum is minus it. A
/// solver that is not installed is skipped, and the test says so on standard error.
#[test]
fn glpk_clp_and_highs_read_the_exported_files_with_capplans_optimum() {
    let directory = scratch::scratch("export-solvers");
    let tools: Vec<&str> = ["glpsol", "clp", "highspy"]
        .into_iter()
        .filter(|tool| {
            let available = tool_available(tool);
            if !available {
                eprintln!("skipped: {tool} is not installed");
            }
            available
        })
        .collect();
    for label in ["tiny", "dsp", "three-groups"] {
        let instance = example(label);
        let expected = solve(&instance, Backend::Microlp).unwrap().plan.unwrap().objective;
        let formulation = formulate(&instance);
        for (format, extension, sign) in [(ExportFormat::Lp, "lp", 1.0), (ExportFormat::Mps, "mps", -1.0)] {
            let file = directory.join(format!("{label}.{extension}"));
            std::fs::write(&file, export(&formulation.lp, format, label)).unwrap();
            for tool in &tools {
                let found = sign * external_optimum(tool, Path::new(&file)).unwrap_or_else(|message| panic!("{message}"));
                // As precise as each solver prints: Clp 8 significant digits, glpsol 10, highspy all.
                let tolerance = if *tool == "clp" { 1e-7 } else { 1e-8 };
                assert!(
                    (found - expected).abs() <= tolerance * (1.0 + expected.abs()),
                    "{tool} on {label}.{extension}: {found} vs capplan's {expected}"
                );
                eprintln!("{tool} on {label}.{extension}: {found} (capplan: {expected})");
            }
        }
    }
}
