//! Synthetic instances for tests and benchmarks: `capplan generate`.
//!
//! A generated portfolio looks like a real one in the ways that matter to the planner and to the
//! solver: customers in segments (network, relationship, transactional), CALLPLAN-style concave
//! response curves through five judged points (0, half, current, 1.5 times and twice the current
//! hours), floors on key accounts, hard and soft expectations, caps on over-investment, hours
//! share caps, and an expansion option on the last resource. Its profit on the current hours
//! follows the whale curve of shared/domain.md: the top 20 % of customers make about 190 % of the
//! total contribution, the middle 70 % about break even, the bottom 10 % lose about 90 %.
//!
//! The output is a pure function of the settings (a ChaCha stream seeded with the seed, fixed
//! decimal formatting), and the instance is valid and feasible by construction: every lower bound
//! (floor, hard expectation) is at most 0.8 times the current hours, every upper bound (cap,
//! share cap) at least 0.5 times them where no lower bound sits on the same allocation, and each
//! capacity is 0.9 times the total current hours.

use std::fmt::Write;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub customers: usize,
    pub seed: u64,
    /// Resource ids, in order. The first carries hours share caps, the second (or the only one)
    /// floors and soft expectations, the last hard expectations, caps and, when there are at
    /// least two resources, an expansion option.
    pub resources: Vec<String>,
    /// Diversification limits on top (`--diversify`), the limits that take a portfolio off the
    /// separable path (shares of the plan's own total value couple every customer): the network
    /// segment takes at most 60 % of the last resource's hours, the relationship segment at
    /// least 20 % of the value, the transactional segment at most 50 % of it, and no customer
    /// more than 5 % of it (`10 / customers` below 200 customers, where a whale's value alone
    /// would break 5 %). Feasible from about 40 customers up; with fewer, a segment share may
    /// leave no plan (a portfolio without relationship customers cannot give them 20 %).
    pub diversify: bool,
}

impl Settings {
    /// `customers` customers of the default resources, seed `seed`, without diversification.
    pub fn new(customers: usize, seed: u64) -> Settings {
        Settings { customers, seed, resources: DEFAULT_RESOURCES.map(String::from).to_vec(), diversify: false }
    }
}

/// The resources of a typical B2B supplier.
pub const DEFAULT_RESOURCES: [&str; 3] = ["sales", "service", "engineering"];

/// Checks a resource id list the way `capplan check` checks ids; `Err` says what is wrong.
pub fn check_resource_ids(ids: &[String]) -> Result<(), String> {
    if ids.is_empty() {
        return Err("expected at least one resource id".into());
    }
    for (index, id) in ids.iter().enumerate() {
        let valid_chars = id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let valid_start = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if id.is_empty() || id.len() > 64 || !valid_chars || !valid_start {
            return Err(format!("resource id {id:?}: expected 1 to 64 characters from a-z A-Z 0-9 - _ . starting with a letter or digit"));
        }
        if id == "value" {
            return Err("the resource id \"value\" is reserved for value shares; choose another id".into());
        }
        if ids[..index].contains(id) {
            return Err(format!("resource id {id:?} is given twice"));
        }
    }
    Ok(())
}

/// The three kinds of customer behind the whale curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Large, profitable accounts: the top of the whale curve.
    Whale,
    /// About break even.
    Middle,
    /// High cost to serve, low margin: the tail that loses money.
    Loss,
}

/// Uniform, normal and log-normal draws from the seeded stream.
struct Draws(ChaCha8Rng);

impl Draws {
    /// Uniform in [0, 1): the top 53 bits of a 64-bit draw.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn log_normal(&mut self, sigma: f64) -> f64 {
        (sigma * self.normal()).exp()
    }

    fn index(&mut self, count: usize) -> usize {
        ((self.unit() * count as f64) as usize).min(count - 1)
    }
}

/// Per-resource economics: cost per hour and typical hours of an average account.
fn resource_economics(id: &str) -> (f64, f64) {
    match id {
        "sales" => (60.0, 30.0),
        "service" => (45.0, 40.0),
        "engineering" => (90.0, 24.0),
        _ => (55.0, 30.0),
    }
}

struct GeneratedCustomer {
    kind: Kind,
    segment: &'static str,
    /// Current hours per resource (even whole numbers, so that half of them is whole).
    hours: Vec<f64>,
    /// Contribution with the current hours (currency).
    target: f64,
    /// Slope of the response just below the current hours, as a multiple of the cost per hour.
    margin: f64,
    /// Key account: a service floor of half the current hours.
    floor: bool,
    /// No over-investment: engineering capped at half the current hours.
    cap: bool,
    /// A contract: hard expectation of 0.8 times the current hours of the last resource.
    hard: bool,
    /// A soft expectation of the current service hours, with this penalty per hour.
    soft: Option<f64>,
}

/// Generates the instance as TOML text.
pub fn generate(settings: &Settings) -> String {
    let mut draws = Draws(ChaCha8Rng::seed_from_u64(settings.seed));
    let count = settings.customers;
    let resource_count = settings.resources.len();
    let economics: Vec<(f64, f64)> = settings.resources.iter().map(|id| resource_economics(id)).collect();

    // Exact counts of each kind, in a seeded random order.
    let whales = ((count as f64) * 0.2).round() as usize;
    let losses = ((count as f64) * 0.1).round() as usize;
    let mut kinds: Vec<Kind> = (0..count)
        .map(|i| {
            if i < whales {
                Kind::Whale
            } else if i < whales + losses {
                Kind::Loss
            } else {
                Kind::Middle
            }
        })
        .collect();
    for i in (1..count).rev() {
        let j = draws.index(i + 1);
        kinds.swap(i, j);
    }

    let mut customers: Vec<GeneratedCustomer> = kinds
        .iter()
        .map(|&kind| {
            let size = match kind {
                Kind::Whale => draws.uniform(3.0, 8.0),
                Kind::Middle => draws.uniform(0.6, 2.0),
                Kind::Loss => draws.uniform(1.5, 4.0),
            };
            let hours = settings
                .resources
                .iter()
                .zip(&economics)
                .map(|(id, &(_, typical))| {
                    // The loss-making tail is service-hungry (group C of the domain notes).
                    let hunger = if kind == Kind::Loss && id == "service" { 1.8 } else { 1.0 };
                    let raw = size * typical * hunger * draws.uniform(0.7, 1.3);
                    (2.0 * (raw / 2.0).round()).max(4.0)
                })
                .collect();
            let segment = match kind {
                Kind::Whale => {
                    if draws.chance(0.3) {
                        "network"
                    } else {
                        "relationship"
                    }
                }
                Kind::Middle => {
                    if draws.chance(0.4) {
                        "relationship"
                    } else {
                        "transactional"
                    }
                }
                Kind::Loss => {
                    if draws.chance(0.5) {
                        "relationship"
                    } else {
                        "transactional"
                    }
                }
            };
            let target = match kind {
                Kind::Whale => 40_000.0 * draws.log_normal(0.5),
                Kind::Middle => draws.normal(),
                Kind::Loss => draws.log_normal(0.4),
            };
            let margin = match kind {
                Kind::Whale => draws.uniform(1.2, 2.4),
                Kind::Middle => draws.uniform(0.8, 1.4),
                Kind::Loss => draws.uniform(0.4, 0.9),
            };
            let floor = kind == Kind::Whale && draws.chance(0.6);
            let cap = kind == Kind::Loss && draws.chance(0.7);
            let hard = kind == Kind::Whale && draws.chance(0.3);
            let soft = (kind != Kind::Whale && draws.chance(0.2)).then(|| draws.uniform(0.5, 1.5));
            GeneratedCustomer { kind, segment, hours, target, margin, floor, cap, hard, soft }
        })
        .collect();

    // Scale the middle and the tail against the whales: middle -3 % and tail -45 % of the
    // whales' total, so the total is 52 % of it: top ~190 %, middle ~-6 %, bottom ~-87 %.
    let whale_total: f64 = customers.iter().filter(|c| c.kind == Kind::Whale).map(|c| c.target).sum();
    let whale_mean = if whales > 0 { whale_total / whales as f64 } else { 40_000.0 };
    let loss_draws: f64 = customers.iter().filter(|c| c.kind == Kind::Loss).map(|c| c.target).sum();
    let middle_count = count - whales - losses;
    let middle_noise_mean = customers.iter().filter(|c| c.kind == Kind::Middle).map(|c| c.target).sum::<f64>() / middle_count.max(1) as f64;
    for customer in &mut customers {
        customer.target = match customer.kind {
            Kind::Whale => customer.target,
            Kind::Loss => -0.45 * whale_total.max(whale_mean) * customer.target / loss_draws,
            Kind::Middle => {
                0.08 * whale_mean * (customer.target - middle_noise_mean) - 0.03 * whale_total.max(whale_mean) / middle_count as f64
            }
        };
    }

    let width = count.to_string().len().max(3);
    let mut out = String::new();
    let _ = writeln!(out, "# Synthetic portfolio generated by `capplan generate --customers {count} --seed {}`.", settings.seed);
    let _ = writeln!(out, "# All customers, hours, costs and values are invented; the profit on the current hours");
    let _ = writeln!(out, "# follows the whale curve (top 20 % about 190 % of the total, bottom 10 % about -90 %).");
    if settings.diversify {
        let _ = writeln!(out, "# With --diversify: segment hour and value shares and a value-share cap per customer.");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[plan]");
    let _ = writeln!(out, "name = \"Synthetic portfolio, {count} customers, seed {}\"", settings.seed);
    let _ = writeln!(out, "period = \"2027-Q1\"");
    let _ = writeln!(out, "currency = \"EUR\"");
    let first = 0;
    let service = if resource_count >= 2 { 1 } else { 0 };
    let last = resource_count - 1;
    let lower_bound = |customer: &GeneratedCustomer, r: usize| -> f64 {
        let floor = if customer.floor && r == service { 0.5 * customer.hours[r] } else { 0.0 };
        let hard = if customer.hard && r == last { 0.8 * customer.hours[r] } else { 0.0 };
        floor.max(hard)
    };
    let capacities: Vec<f64> = (0..resource_count)
        .map(|r| {
            // A tight quarter: 40 % fewer hours than customers get today, but never fewer
            // than the floors and hard expectations need.
            let current: f64 = customers.iter().map(|c| c.hours[r]).sum();
            let forced: f64 = customers.iter().map(|c| lower_bound(c, r)).sum();
            (0.6 * current).max(forced).ceil()
        })
        .collect();
    for (r, id) in settings.resources.iter().enumerate() {
        let capacity = capacities[r];
        let (cost, _) = economics[r];
        let _ = writeln!(out, "\n[[resources]]\nid = \"{id}\"\ncapacity_hours = {capacity:.1}\ncost_per_hour = {cost:.2}");
        if r + 1 == resource_count && resource_count >= 2 {
            let extra = (0.1 * capacity).round();
            let _ =
                writeln!(out, "\n[[resources.expansion]]\nid = \"contractors\"\ncost_per_hour = {:.2}\nmax_hours = {extra:.1}", cost * 1.6);
        }
    }
    for (id, name) in [
        ("network", "Network: joint development, heavy engineering"),
        ("relationship", "Relationship: tailored offers, sales and service"),
        ("transactional", "Transactional: arm's length, little engineering"),
    ] {
        let _ = writeln!(out, "\n[[segments]]\nid = \"{id}\"\nname = \"{name}\"");
        if settings.diversify {
            let limit = match id {
                "network" => format!("max_share = {{ {} = 0.6 }}", settings.resources[last]),
                "relationship" => "min_share = { value = 0.2 }".to_string(),
                _ => "max_share = { value = 0.5 }".to_string(),
            };
            let _ = writeln!(out, "{limit}");
        }
    }
    if settings.diversify {
        let cap = (0.05f64).max(10.0 / count as f64).min(1.0);
        let _ = writeln!(out, "\n[diversification]\nmax_customer_share = {{ value = {cap:.4} }}");
    }

    let sales_capacity = capacities[first];
    for (index, customer) in customers.iter().enumerate() {
        let _ = writeln!(out, "\n[[customers]]\nid = \"c{:0width$}\"\nsegment = \"{}\"", index + 1, customer.segment);
        let table = |entries: Vec<(usize, f64)>| -> String {
            let parts: Vec<String> = entries.iter().map(|(r, v)| format!("{} = {v:.1}", settings.resources[*r])).collect();
            format!("{{ {} }}", parts.join(", "))
        };
        let _ = writeln!(out, "current_hours = {}", table(customer.hours.iter().copied().enumerate().collect()));
        if customer.floor {
            // Key accounts keep at least half of their current service.
            let _ = writeln!(out, "floor_hours = {}", table(vec![(service, 0.5 * customer.hours[service])]));
        }
        if customer.cap {
            // No over-investment in engineering for accounts that will not pay it back.
            let _ = writeln!(out, "cap_hours = {}", table(vec![(last, 0.5 * customer.hours[last])]));
        }
        if customer.kind == Kind::Whale && resource_count >= 2 {
            // Diversification: no key account takes much more than its current share of sales.
            let share = ((1.5 * customer.hours[first] / sales_capacity * 1e4).ceil() / 1e4).min(1.0);
            let _ = writeln!(out, "max_share = {{ {} = {share:.4} }}", settings.resources[first]);
        }
        // Value at the current hours: the contribution plus what the hours cost, split over the
        // resources in proportion to their cost.
        let hour_costs: Vec<f64> = customer.hours.iter().zip(&economics).map(|(h, (cost, _))| h * cost).collect();
        let total_cost: f64 = hour_costs.iter().sum();
        for (r, id) in settings.resources.iter().enumerate() {
            let hours = customer.hours[r];
            let value_now = (customer.target + total_cost) * hour_costs[r] / total_cost;
            // Value per hour on the four stretches between the judged points, in proportion
            // 1.6 : 1 : 0.55 : 0.2 (diminishing returns). The stretch just below the current
            // hours returns `margin` times the cost per hour, unless that would need a negative
            // value at zero hours; at least 2 per hour so that the bends survive rounding.
            let below = (customer.margin * economics[r].0).min(0.9 * value_now / (1.3 * hours)).max(2.0);
            let at_zero = value_now - 1.3 * hours * below;
            let half = 0.5 * hours;
            let points = [
                (0.0, at_zero),
                (half, at_zero + half * 1.6 * below),
                (hours, value_now),
                (1.5 * hours, value_now + half * 0.55 * below),
                (2.0 * hours, value_now + half * 0.75 * below),
            ];
            let text: Vec<String> = points.iter().map(|(h, v)| format!("[{h:.1}, {v:.2}]")).collect();
            let _ = writeln!(out, "response.{id} = {{ points = [{}] }}", text.join(", "));
        }
        if customer.hard {
            let _ = writeln!(
                out,
                "expectations.{} = {{ hours = {:.1}, kind = \"hard\" }}",
                settings.resources[last],
                0.8 * customer.hours[last]
            );
        } else if let Some(penalty_factor) = customer.soft {
            let penalty = economics[service].0 * penalty_factor;
            let _ = writeln!(
                out,
                "expectations.{} = {{ hours = {:.1}, kind = \"soft\", penalty_per_hour = {penalty:.2} }}",
                settings.resources[service], customer.hours[service]
            );
        }
    }
    out
}
