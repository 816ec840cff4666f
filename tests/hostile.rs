//! Hostile input, faults and odd output targets (issue 11): every case ends with a clear
//! message and a non-zero exit code, never a panic, a lost write or a runaway read.

mod support;

use std::fs::File;
use std::process::{Command, Output, Stdio};

use support::cli::{capplan, scratch, stderr};

const PANIC_EXIT: i32 = 101;

fn capplan_with(args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap()
}

fn full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").unwrap())
}

/// Runs `capplan ARGS` through the shell with `redirections` (e.g. `>&-` to close stdout).
fn capplan_redirected(args: &str, redirections: &str) -> Output {
    let command = format!("exec \"$0\" {args} {redirections}");
    Command::new("sh")
        .arg("-c")
        .arg(command)
        .arg(env!("CARGO_BIN_EXE_capplan"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

const WRITING_COMMANDS: [&[&str]; 6] = [
    &["models"],
    &["check", "instances/tiny.toml"],
    &["classify", "instances/dsp-krapfel.toml"],
    &["solve", "instances/tiny.toml"],
    &["export", "instances/tiny.toml", "--format", "lp"],
    &["generate", "--customers", "3", "--seed", "1"],
];

#[test]
fn issue11_full_stdout_is_a_clear_error_not_a_panic() {
    for args in WRITING_COMMANDS {
        let output = capplan_with(args, full(), Stdio::piped());
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("cannot write to standard output"), "{args:?}: {}", stderr(&output));
    }
}

/// Standard output is a pipe nobody reads any more (`capplan models | head -0`).
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn issue11_closed_stdout_is_not_a_panic() {
    for args in WRITING_COMMANDS {
        let output = capplan_with(args, closed_pipe(), Stdio::piped());
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("cannot write to standard output"), "{args:?}: {}", stderr(&output));
        // A closed descriptor: the process starts with it on /dev/null, so the run succeeds.
        let output = capplan_redirected(&args.join(" "), ">&-");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn issue11_full_or_closed_stderr_is_not_a_panic() {
    // An invalid instance: its problems go to standard error, which cannot take them.
    let dir = scratch("stderr-full");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[plan]\nname = 1\n").unwrap();
    let bad = bad.display().to_string();
    for args in [&["check", bad.as_str()][..], &["solve", bad.as_str()], &["models", bad.as_str()], &["solve", "missing.toml"]] {
        let output = capplan_with(args, Stdio::null(), full());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let output = capplan_redirected(&args.join(" "), "2>&-");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    // Both streams gone: the exit code still tells.
    let output = capplan_with(&["models"], full(), full());
    assert_eq!(output.status.code(), Some(2));
    let output = capplan_with(&["--help"], full(), full());
    assert_eq!(output.status.code(), Some(2));
    assert_ne!(output.status.code(), Some(PANIC_EXIT));
}

fn tiny_with(from: &str, to: &str) -> String {
    let tiny = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml")).unwrap();
    assert!(tiny.contains(from));
    tiny.replacen(from, to, 1)
}

fn check_text(name: &str, text: &str) -> Output {
    let dir = scratch(name);
    let path = dir.join("instance.toml");
    std::fs::write(&path, text).unwrap();
    capplan(&["solve", &path.display().to_string()])
}

#[test]
fn issue11_subnormal_numbers_are_refused_at_validation() {
    let cases = [
        // A subnormal hours value in a curve point: the simplex's own assertion used to panic.
        ("[40, 2000]", "[1e-320, 25500]", 26, "customers[alpha].response.service.points[1]"),
        ("value_per_hour = 15", "value_per_hour = 4e-310", 34, "customers[beta].response.service.value_per_hour"),
        ("capacity_hours = 80", "capacity_hours = 1e-310", 17, "capacity_hours"),
    ];
    for (from, to, line, field) in cases {
        let output = check_text("subnormal", &tiny_with(from, to));
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{to}: {message}");
        assert!(message.contains(&format!("instance.toml:{line}:")), "{to}: {message}");
        assert!(message.contains(field), "{to}: {message}");
        assert!(message.contains("too close to 0 to compute with"), "{to}: {message}");
        assert!(!message.contains("panicked"), "{message}");
    }
    // Zero itself, and small but ordinary numbers, stay valid.
    let output = check_text("subnormal-ok", &tiny_with("value_per_hour = 15", "value_per_hour = 1e-9"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn issue11_time_limit_out_of_range_is_a_usage_error_in_words() {
    for limit in ["1e300", "1e10", "inf", "0", "soon"] {
        let output = capplan(&["solve", "instances/tiny.toml", "--time-limit", limit]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{limit}: {message}");
        assert!(message.contains("--time-limit"), "{limit}: {message}");
        assert!(!message.contains("Duration"), "{limit}: {message}");
    }
    let output = capplan(&["solve", "instances/tiny.toml", "--time-limit", "1e9"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn issue11_backend_missing_from_the_build_is_a_usage_error_in_sweep() {
    if cfg!(feature = "highs") {
        return;
    }
    let output = capplan(&["sweep", "instances/tiny.toml", "--resource", "service", "--from", "0", "--to", "100", "--solver", "highs"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("built without it"), "{}", stderr(&output));
}

#[test]
fn issue11_compare_separable_advice_names_a_backend_compare_takes() {
    // Segment limits couple customers beyond the capacities: separable does not apply.
    let output = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/hire-engineer.toml", "--solver", "separable"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("does not apply"), "{message}");
    assert!(!message.contains("auto"), "{message}");
    // The advice is taken: the named backend runs.
    let output = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/hire-engineer.toml", "--solver", "microlp"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Runs `capplan ARGS` and checks that it refused quickly, with exit code 2 and `needle`.
fn refused_quickly(args: &[&str], needle: &str) {
    let started = std::time::Instant::now();
    let output = capplan(args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
    assert!(message.contains(needle), "{args:?}: {message}");
    // Reading 64 MiB of zeros takes milliseconds; a loose bound only rules out an unbounded read.
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{args:?}");
}

const SIZE_LIMIT: &str = "larger than the limit of 67108864 bytes (64 MiB)";

#[test]
fn issue11_scenario_from_dev_zero_is_refused_at_the_size_limit() {
    refused_quickly(
        &["solve", "instances/dsp.toml", "--scenario", "/dev/zero"],
        &format!("/dev/zero: the file is {SIZE_LIMIT} for a scenario"),
    );
    refused_quickly(&["compare", "instances/dsp.toml", "/dev/zero"], SIZE_LIMIT);
}

#[test]
fn issue11_model_file_from_dev_zero_is_refused_at_the_size_limit_not_as_not_found() {
    let dir = scratch("model-dev-zero");
    let instance = tiny_with("[plan]\n", "[portfolio]\nmodel = \"/dev/zero\"\n\n[plan]\n");
    let instance_path = dir.join("instance.toml");
    std::fs::write(&instance_path, instance).unwrap();
    let instance_path = instance_path.display().to_string();
    refused_quickly(&["check", &instance_path], &format!("{SIZE_LIMIT} for a portfolio model"));
    // The same through a scenario's [portfolio].
    let scenario = dir.join("scenario.toml");
    std::fs::write(&scenario, "[scenario]\nname = \"zero\"\n\n[portfolio]\nmodel = \"/dev/zero\"\n").unwrap();
    refused_quickly(&["solve", "instances/tiny.toml", "--scenario", &scenario.display().to_string()], "for a portfolio model");
    // `capplan models FILE` reads through the same reader.
    refused_quickly(&["models", "/dev/zero"], "for a portfolio model");
}

#[test]
fn issue11_customers_csv_from_dev_zero_is_refused_at_the_size_limit() {
    let dir = scratch("csv-dev-zero");
    let path = dir.join("instance.toml");
    std::fs::write(&path, tiny_with("[plan]\n", "customers_csv = \"/dev/zero\"\n\n[plan]\n")).unwrap();
    refused_quickly(&["check", &path.display().to_string()], &format!("{SIZE_LIMIT} for a customers CSV"));
}

#[test]
fn issue11_workbook_unzipping_past_the_limit_is_refused_before_decompressing() {
    use std::io::Write;
    let dir = scratch("xlsx-bomb");
    let workbook = dir.join("customers.xlsx");
    let mut zip = zip::ZipWriter::new(File::create(&workbook).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..257 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&workbook).unwrap().len() < 2_000_000, "the workbook itself is small");
    let path = dir.join("instance.toml");
    std::fs::write(&path, tiny_with("[plan]\n", "customers_xlsx = \"customers.xlsx\"\n\n[plan]\n")).unwrap();
    refused_quickly(&["check", &path.display().to_string()], "more than the limit of 268435456 bytes (256 MiB)");
}

#[test]
fn issue11_device_node_or_directory_as_output_is_refused() {
    let dir = scratch("output-device");
    let link_to_null = dir.join("null-link");
    std::os::unix::fs::symlink("/dev/null", &link_to_null).unwrap();
    let link_to_null = link_to_null.display().to_string();
    let directory = dir.display().to_string();
    for target in ["/dev/null", "/dev/full", link_to_null.as_str(), directory.as_str()] {
        let output = capplan(&["solve", "instances/tiny.toml", "--output", target]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{target}: {message}");
        assert!(message.contains(&format!("cannot write {target}: it exists and is not a regular file")), "{target}: {message}");
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    assert!(std::fs::symlink_metadata(&link_to_null).unwrap().file_type().is_symlink());
    // The SVG of a sweep goes through the same check.
    let output = capplan(&["sweep", "instances/tiny.toml", "--resource", "service", "--from", "0", "--to", "100", "--svg", "/dev/null"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn issue11_output_over_a_file_the_run_reads_is_refused() {
    let dir = scratch("output-input");
    let instance = dir.join("instance.toml");
    let model = dir.join("model.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/custom-models/service-tiers.toml"), &model).unwrap();
    let with_model = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiers.toml")).unwrap();
    let with_model = with_model.replace("model = \"custom-models/service-tiers.toml\"", "model = \"model.toml\"");
    std::fs::write(&instance, &with_model).unwrap();
    let scenario = dir.join("scenario.toml");
    std::fs::write(&scenario, "[scenario]\nname = \"same\"\n").unwrap();
    let hard_link = dir.join("hard-link.toml");
    std::fs::hard_link(&instance, &hard_link).unwrap();
    let [instance, model, scenario, hard_link] = [&instance, &model, &scenario, &hard_link].map(|path| path.display().to_string());
    let output = capplan(&["check", &instance]);
    assert_eq!(output.status.code(), Some(0), "the instance must use the model file: {}", stderr(&output));
    for target in [&instance, &model, &scenario, &hard_link] {
        let output = capplan(&["solve", &instance, "--scenario", &scenario, "--output", target]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{target}: {message}");
        assert!(message.contains("capplan reads this file in this run"), "{target}: {message}");
    }
    assert_eq!(std::fs::read_to_string(&instance).unwrap(), with_model);
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), "[scenario]\nname = \"same\"\n");
}

#[test]
fn issue11_planted_symlink_at_the_temporary_name_is_not_followed() {
    let dir = scratch("planted");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let target = dir.join("plan.json");
    // The name the temporary file used to have, planted in advance for this very process.
    for planted in [format!(".plan.json.capplan-{}.tmp", std::process::id()), ".plan.json.capplan.tmp".to_string()] {
        std::os::unix::fs::symlink(&victim, dir.join(planted)).unwrap();
    }
    capplan::cli::write_atomically(&target, b"new report").unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new report");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 4, "no temporary file is left: {names:?}");
}

#[test]
fn issue11_interrupted_write_leaves_no_temporary_file() {
    let dir = scratch("interrupted");
    let target = dir.join("portfolio.toml");
    let target_arg = target.display().to_string();
    let mut caught = 0;
    for attempt in 0..20 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_capplan"))
            .args(["generate", "--customers", "40000", "--seed", &attempt.to_string(), "--output", &target_arg])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary file exists, then interrupt the write.
        let mut signalled = false;
        while child.try_wait().unwrap().is_none() {
            let writing = std::fs::read_dir(&dir).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".capplan.tmp"));
            if writing {
                let signal = if attempt % 2 == 0 { "-TERM" } else { "-INT" };
                Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
                signalled = true;
                break;
            }
        }
        let status = child.wait().unwrap();
        let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|name| !name.ends_with(".capplan.tmp")), "attempt {attempt}: {names:?}");
        if signalled && status.code() != Some(0) {
            assert!(matches!(status.code(), Some(143) | Some(130)), "attempt {attempt}: {status:?}");
            caught += 1;
            if caught >= 2 {
                return;
            }
        }
    }
    panic!("the write was never caught in progress ({caught} times)");
}

#[test]
fn issue11_generate_beyond_what_can_be_read_back_is_refused_before_writing() {
    let dir = scratch("generate-too-big");
    let target = dir.join("portfolio.toml");
    std::fs::write(&target, "previous").unwrap();
    let target_arg = target.display().to_string();
    // Each resource adds to every customer's block: 150,000 customers of six resources cannot fit.
    let output = capplan(&["generate", "--customers", "150000", "--seed", "1", "--resources", "a,b,c,d,e,f", "--output", &target_arg]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("over the limit of 67108864 bytes (64 MiB) that capplan reads"), "{message}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
    // More customers than an instance may hold is a usage error.
    let output = capplan(&["generate", "--customers", "200001", "--seed", "1"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn issue11_subnormal_force_hours_are_refused() {
    let output = capplan(&["solve", "instances/tiny.toml", "--force", "alpha/engineering=1e-320"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("expected 0 or at least 2.2e-308 hours"), "{message}");
}

/// The text entry points the fuzzer drives: a model file and a customers CSV given as text.
#[test]
fn issue11_model_and_customers_csv_text_entry_points_locate_their_problems() {
    let errors = capplan::model::portfolio::model_from_toml_str("m.toml", "[model]\nid = 1\n").unwrap_err();
    assert!(errors.to_string().starts_with("error: m.toml:2:"), "{errors}");
    let tiny = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml")).unwrap();
    let csv = "id,current_hours.engineering\ngamma,ten\n";
    let errors = capplan::input::customers_csv::instance_with_csv_text("tiny.toml", &tiny, "c.csv", csv).unwrap_err();
    assert!(errors.to_string().contains("c.csv:2:2"), "{errors}");
    let csv = "id,current_hours.engineering\ngamma,10\n";
    let instance = capplan::input::customers_csv::instance_with_csv_text("tiny.toml", &tiny, "c.csv", csv).unwrap();
    assert_eq!(instance.customers().len(), 3);
    assert!(capplan::cli::check_arguments(&["solve".into(), "x.toml".into(), "--time-limit".into(), "1e300".into()]).is_err());
    assert!(capplan::cli::check_arguments(&["solve".into(), "x.toml".into(), "--time-limit".into(), "2".into()]).is_ok());
}

/// 80,000 problems on one line: locating each used to count the line's characters from its
/// start, 15.8 s in a release build (7.5 minutes in a debug build) to refuse this table.
#[test]
fn issue11_many_errors_on_one_line_are_not_quadratic() {
    let keys: Vec<String> = (0..80_000).map(|i| format!("k{i} = 1")).collect();
    let text = tiny_with(
        "current_hours = { engineering = 50, service = 40 }",
        &format!("current_hours = {{ engineering = 50, service = 40, {} }}", keys.join(", ")),
    );
    let started = std::time::Instant::now();
    let errors = capplan::model::Instance::from_toml_str("keys.toml", &text).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(errors.0.len(), 80_000);
    let last = errors.0.last().unwrap();
    assert_eq!((last.line, last.field.as_str()), (22, "customers[alpha].current_hours.k79999"), "{last}");
    assert_eq!(last.column, text.lines().nth(21).unwrap().find("k79999").unwrap() + 1);
    // Debug build of capplan itself: about 1 s; the quadratic version took minutes.
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
}
