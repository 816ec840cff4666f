//! Every example in instances/ solves to an optimal plan whose shadow prices pass the duality and
//! finite-difference checks, with both backends, and the two backends agree on the optimum.

mod support;

use std::path::Path;

use capplan::model::Instance;
use capplan::solve::Backend;

fn example_instances() -> Vec<(String, Instance)> {
    let mut paths: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("instances"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "instances/ should hold at least dsp, three-groups and tiny");
    paths.into_iter().map(|path| (path.display().to_string(), Instance::from_file(&path).unwrap())).collect()
}

#[test]
fn every_example_passes_duality_and_finite_difference_checks_with_microlp() {
    for (path, instance) in example_instances() {
        let exact = support::assert_all_checks(&instance, Backend::Microlp);
        eprintln!("{path}: {exact} shadow prices confirmed exactly by +/-1 re-solves");
        assert!(exact > 0, "{path}: no shadow price could be confirmed exactly");
    }
}

#[test]
fn every_example_passes_duality_checks_with_clarabel_and_agrees_with_microlp() {
    for (path, instance) in example_instances() {
        let (formulation, interior) = support::solve_optimal(&instance, Backend::Clarabel);
        support::assert_feasible(&formulation.lp, &interior);
        support::assert_strong_duality(&formulation.lp, &interior);
        support::assert_complementary_slackness(&formulation.lp, &interior);
        let (_, simplex) = support::solve_optimal(&instance, Backend::Microlp);
        let scale = 1.0 + simplex.objective.abs();
        assert!((simplex.objective - interior.objective).abs() <= 1e-6 * scale, "{path}: {} vs {}", simplex.objective, interior.objective);
        // Where the optimum has a kink at the capacity (degenerate), any price between the value of
        // the next hour and that of the last one is a correct dual; the backends may pick
        // different ones. Elsewhere the price is unique and they must agree.
        for (r, (a, b)) in simplex.resources.iter().zip(&interior.resources).enumerate() {
            let (next_hour, last_hour) = support::one_sided_capacity_values(&formulation, r, simplex.objective);
            let tolerance = 1e-4 * (1.0 + a.shadow_price.abs());
            if (next_hour - last_hour).abs() <= tolerance {
                assert!(
                    (a.shadow_price - b.shadow_price).abs() <= tolerance,
                    "{path}: {} {} vs {}",
                    a.resource,
                    a.shadow_price,
                    b.shadow_price
                );
            } else {
                for price in [a.shadow_price, b.shadow_price] {
                    assert!(
                        next_hour - tolerance <= price && price <= last_hour + tolerance,
                        "{path}: {} price {price} outside [{next_hour}, {last_hour}]",
                        a.resource
                    );
                }
            }
        }
    }
}
