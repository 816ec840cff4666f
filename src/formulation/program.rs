//! A linear program in the form capplan reasons about: maximise `c x + constant` subject to rows
//! `a x (<=|>=|=) b` written as the planner meant them, and bounds `lower <= x <= upper`.

/// The sense of a row, as written: `Ge` rows are never rewritten as `Le`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub enum Sense {
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "=")]
    Eq,
}

impl Sense {
    pub fn symbol(self) -> &'static str {
        match self {
            Sense::Le => "<=",
            Sense::Ge => ">=",
            Sense::Eq => "=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LpVariable {
    pub name: String,
    pub lower: f64,
    pub upper: f64,
    /// Objective coefficient (maximised).
    pub objective: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LpRow {
    pub name: String,
    /// (variable index, coefficient); each variable at most once.
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// Always a maximisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinearProgram {
    pub variables: Vec<LpVariable>,
    pub rows: Vec<LpRow>,
    pub objective_constant: f64,
}

impl LinearProgram {
    pub fn add_variable(&mut self, name: String, lower: f64, upper: f64, objective: f64) -> usize {
        self.variables.push(LpVariable { name, lower, upper, objective });
        self.variables.len() - 1
    }

    /// Objective value of a point, constant included.
    pub fn objective_value(&self, values: &[f64]) -> f64 {
        self.objective_constant + self.variables.iter().zip(values).map(|(variable, value)| variable.objective * value).sum::<f64>()
    }

    /// Left-hand side of a row at a point.
    pub fn row_activity(&self, row: usize, values: &[f64]) -> f64 {
        self.rows[row].terms.iter().map(|&(variable, coefficient)| coefficient * values[variable]).sum()
    }

    /// Largest violation of a row or bound at a point, scaled by the size of the numbers
    /// involved; 0 for a feasible point. A row's scale includes the size of its terms, because
    /// a row whose terms cancel (6,999,999 - 7,000,000 >= -1) can only be computed to the
    /// precision of its terms, not of its right-hand side.
    pub fn max_violation(&self, values: &[f64]) -> f64 {
        self.max_violation_over(values, |_| true)
    }

    /// As [`LinearProgram::max_violation`], over the rows `counts` keeps (a program with some
    /// rows relaxed away), without a copy of the program.
    pub fn max_violation_over(&self, values: &[f64], counts: impl Fn(usize) -> bool) -> f64 {
        let mut worst: f64 = 0.0;
        for (index, row) in self.rows.iter().enumerate() {
            if !counts(index) {
                continue;
            }
            let activity = self.row_activity(index, values);
            let term_size: f64 = row.terms.iter().map(|&(variable, coefficient)| (coefficient * values[variable]).abs()).sum();
            let scale = 1.0 + row.rhs.abs() + term_size;
            let violation = match row.sense {
                Sense::Le => activity - row.rhs,
                Sense::Ge => row.rhs - activity,
                Sense::Eq => (activity - row.rhs).abs(),
            };
            worst = worst.max(violation / scale);
        }
        for (variable, value) in self.variables.iter().zip(values) {
            worst = worst.max((variable.lower - value) / (1.0 + variable.lower.abs()));
            worst = worst.max((value - variable.upper) / (1.0 + variable.upper.abs()));
        }
        worst
    }

    /// The same program with every free variable `x` written as `x+ - x-`, two non-negative
    /// variables appended after the originals (in order of the free variables). microlp can
    /// cycle for ever on free variables; it handles the split form.
    pub fn split_free_variables(&self) -> LinearProgram {
        let lp = self;
        let mut split = lp.clone();
        let free: Vec<usize> = (0..lp.variables.len())
            .filter(|&j| lp.variables[j].lower == f64::NEG_INFINITY && lp.variables[j].upper == f64::INFINITY)
            .collect();
        let mut negative_part = vec![None; lp.variables.len()];
        for &j in &free {
            split.variables[j].lower = 0.0;
            let objective = -lp.variables[j].objective;
            negative_part[j] = Some(split.add_variable(format!("{}-", lp.variables[j].name), 0.0, f64::INFINITY, objective));
        }
        for row in &mut split.rows {
            let negatives: Vec<(usize, f64)> =
                row.terms.iter().filter_map(|&(j, coefficient)| negative_part[j].map(|negative| (negative, -coefficient))).collect();
            row.terms.extend(negatives);
        }
        split
    }

    /// Values of the original variables from a solution of [`Self::split_free_variables`].
    pub fn join_split_values(&self, split_values: &[f64]) -> Vec<f64> {
        let lp = self;
        let mut values = split_values[..lp.variables.len()].to_vec();
        let mut next = lp.variables.len();
        for (j, variable) in lp.variables.iter().enumerate() {
            if variable.lower == f64::NEG_INFINITY && variable.upper == f64::INFINITY {
                values[j] -= split_values[next];
                next += 1;
            }
        }
        values
    }

    /// Column view: for each variable, the (row, coefficient) pairs it appears in.
    pub fn columns(&self) -> Vec<Vec<(usize, f64)>> {
        let mut columns = vec![Vec::new(); self.variables.len()];
        for (row_index, row) in self.rows.iter().enumerate() {
            for &(variable, coefficient) in &row.terms {
                columns[variable].push((row_index, coefficient));
            }
        }
        columns
    }
}
