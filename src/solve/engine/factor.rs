//! The basis factor of the engine: a dense LU of the basis kernel and a product-form eta file.
//!
//! The engine works on `A x - r = 0` with one logical `r_i` per row, so a basis is a set of
//! structural columns `S` and logical columns `-e_i` for the rows `L` whose logical is basic. With
//! `T` the other rows (those whose logical is not basic, the "tight" rows), `|T| = |S|` and
//!
//! ```text
//! B = [ A[T,S]  0 ]      B w = a:  w_S = A[T,S]^-1 a_T,   w_i = A[i,S] w_S - a_i  (i in L)
//!     [ A[L,S] -I ]
//! ```
//!
//! Only the kernel `A[T,S]` is factored. On capplan's models after presolve almost every row
//! that a customer adds (a floor, a cap, a value cap) is slack, so the kernel has the size of
//! the number of limits that bind, not of the model. Basis changes between refactorisations are
//! kept as eta columns (`B_new = B E`).

/// A dense LU factor with partial pivoting: `P K = L U`, stored row-major in one matrix.
struct DenseLu {
    size: usize,
    lu: Vec<f64>,
    /// Row `i` of `P K` is row `permutation[i]` of `K`.
    permutation: Vec<usize>,
}

/// Result of factoring a kernel: columns without an acceptable pivot are dependent on the
/// others; the caller replaces them by logicals of the rows left without a pivot.
pub(super) struct Singular {
    pub dependent_columns: Vec<usize>,
    pub unpivoted_rows: Vec<usize>,
}

impl DenseLu {
    /// Factors a `size x size` row-major matrix. The pivot of each column must be at least
    /// `1e-11` relative to the largest entry of that column; otherwise the column is reported.
    fn factor(size: usize, mut lu: Vec<f64>) -> Result<DenseLu, Singular> {
        let mut permutation: Vec<usize> = (0..size).collect();
        let mut dependent = Vec::new();
        let mut column_size = vec![0.0f64; size];
        for i in 0..size {
            for j in 0..size {
                column_size[j] = column_size[j].max(lu[i * size + j].abs());
            }
        }
        let mut next_row = 0;
        let mut pivot_column_of_row = vec![usize::MAX; size];
        for column in 0..size {
            let mut best = next_row;
            let mut best_size = 0.0;
            for row in next_row..size {
                let value = lu[row * size + column].abs();
                if value > best_size {
                    best_size = value;
                    best = row;
                }
            }
            if next_row >= size || best_size <= 1e-11 * column_size[column].max(1e-300) || best_size == 0.0 {
                dependent.push(column);
                continue;
            }
            if best != next_row {
                for j in 0..size {
                    lu.swap(best * size + j, next_row * size + j);
                }
                permutation.swap(best, next_row);
            }
            let pivot = lu[next_row * size + column];
            for row in next_row + 1..size {
                let factor = lu[row * size + column] / pivot;
                if factor != 0.0 {
                    lu[row * size + column] = factor;
                    for j in column + 1..size {
                        lu[row * size + j] -= factor * lu[next_row * size + j];
                    }
                } else {
                    lu[row * size + column] = 0.0;
                }
            }
            pivot_column_of_row[next_row] = column;
            next_row += 1;
        }
        if !dependent.is_empty() {
            let unpivoted_rows = (next_row..size).map(|i| permutation[i]).collect();
            return Err(Singular { dependent_columns: dependent, unpivoted_rows });
        }
        Ok(DenseLu { size, lu, permutation })
    }

    /// Solves `K x = b` in place.
    fn solve(&self, b: &mut [f64], scratch: &mut Vec<f64>) {
        let n = self.size;
        scratch.clear();
        scratch.extend(self.permutation.iter().map(|&i| b[i]));
        for i in 0..n {
            let mut sum = scratch[i];
            let row = &self.lu[i * n..i * n + i];
            for (j, &l) in row.iter().enumerate() {
                sum -= l * scratch[j];
            }
            scratch[i] = sum;
        }
        for i in (0..n).rev() {
            let mut sum = scratch[i];
            for j in i + 1..n {
                sum -= self.lu[i * n + j] * scratch[j];
            }
            scratch[i] = sum / self.lu[i * n + i];
        }
        b.copy_from_slice(scratch);
    }

    /// Solves `K' y = c` in place.
    fn solve_transposed(&self, c: &mut [f64], scratch: &mut Vec<f64>) {
        let n = self.size;
        scratch.clear();
        scratch.extend_from_slice(c);
        // U' z = c
        for i in 0..n {
            let value = scratch[i] / self.lu[i * n + i];
            scratch[i] = value;
            if value != 0.0 {
                for j in i + 1..n {
                    scratch[j] -= self.lu[i * n + j] * value;
                }
            }
        }
        // L' w = z
        for i in (0..n).rev() {
            let value = scratch[i];
            if value != 0.0 {
                for j in 0..i {
                    scratch[j] -= self.lu[i * n + j] * value;
                }
            }
        }
        for (i, &row) in self.permutation.iter().enumerate() {
            c[row] = scratch[i];
        }
    }
}

/// One basis change: the entering column in the basis coordinates before it, `w = B^-1 a_q`,
/// replacing position `position`.
struct Eta {
    position: usize,
    pivot: f64,
    /// Non-zeros of `w` other than the pivot.
    entries: Vec<(usize, f64)>,
}

/// `B^-1` as the kernel LU of the basis at the last refactorisation followed by eta columns.
pub(super) struct Factor {
    rows: usize,
    /// Kernel column k is the structural basic at position `kernel_positions[k]`, of variable
    /// `kernel_variables[k]`.
    kernel_positions: Vec<usize>,
    kernel_variables: Vec<usize>,
    /// Kernel row t is problem row `kernel_rows[t]`; `kernel_index[row]` its t or `usize::MAX`.
    kernel_rows: Vec<usize>,
    kernel_index: Vec<usize>,
    /// Positions holding a logical at the refactorisation, with the row of that logical.
    logical_positions: Vec<(usize, usize)>,
    lu: DenseLu,
    etas: Vec<Eta>,
    scratch: Vec<f64>,
    kernel_vector: Vec<f64>,
}

impl Factor {
    /// Factors the basis `basic` (variable per position; variables `>= columns.len()` are the
    /// logicals `columns.len() + row`). On a singular kernel, the dependent positions and the
    /// rows whose logicals should replace them.
    pub fn new(columns: &[Vec<(usize, f64)>], rows: usize, basic: &[usize]) -> Result<Factor, Vec<(usize, usize)>> {
        let structurals = columns.len();
        let mut kernel_positions = Vec::new();
        let mut kernel_variables = Vec::new();
        let mut logical_positions = Vec::new();
        let mut has_logical = vec![false; rows];
        for (position, &variable) in basic.iter().enumerate() {
            if variable < structurals {
                kernel_positions.push(position);
                kernel_variables.push(variable);
            } else {
                has_logical[variable - structurals] = true;
                logical_positions.push((position, variable - structurals));
            }
        }
        let kernel_rows: Vec<usize> = (0..rows).filter(|&row| !has_logical[row]).collect();
        let mut kernel_index = vec![usize::MAX; rows];
        for (t, &row) in kernel_rows.iter().enumerate() {
            kernel_index[row] = t;
        }
        let size = kernel_rows.len();
        debug_assert_eq!(size, kernel_variables.len());
        let mut matrix = vec![0.0; size * size];
        for (k, &variable) in kernel_variables.iter().enumerate() {
            for &(row, value) in &columns[variable] {
                let t = kernel_index[row];
                if t != usize::MAX {
                    matrix[t * size + k] += value;
                }
            }
        }
        match DenseLu::factor(size, matrix) {
            Ok(lu) => Ok(Factor {
                rows,
                kernel_positions,
                kernel_variables,
                kernel_rows,
                kernel_index,
                logical_positions,
                lu,
                etas: Vec::new(),
                scratch: Vec::new(),
                kernel_vector: Vec::new(),
            }),
            Err(singular) => Err(singular
                .dependent_columns
                .iter()
                .zip(&singular.unpivoted_rows)
                .map(|(&k, &t)| (kernel_positions[k], kernel_rows[t]))
                .collect()),
        }
    }

    pub fn eta_count(&self) -> usize {
        self.etas.len()
    }

    /// Size of the factored kernel (tight rows at the last refactorisation).
    pub fn kernel_size(&self) -> usize {
        self.kernel_rows.len()
    }

    /// `a <- B^-1 a`, `a` indexed by row on entry and by basis position on return.
    pub fn ftran(&mut self, columns: &[Vec<(usize, f64)>], a: &mut [f64]) {
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        kernel.extend(self.kernel_rows.iter().map(|&row| a[row]));
        self.lu.solve(&mut kernel, &mut self.scratch);
        // w_i = A[i,S] w_S - a_i for the logical rows; the kernel rows' entries are replaced.
        let mut result = std::mem::take(&mut self.scratch);
        result.clear();
        result.resize(self.rows, 0.0);
        for &(position, row) in &self.logical_positions {
            result[position] = -a[row];
        }
        for (k, &variable) in self.kernel_variables.iter().enumerate() {
            let value = kernel[k];
            result[self.kernel_positions[k]] = value;
            if value != 0.0 {
                for &(row, coefficient) in &columns[variable] {
                    if self.kernel_index[row] == usize::MAX {
                        // The logical of `row` sits at some position; accumulate by row first.
                        a[row] -= coefficient * value;
                    }
                }
            }
        }
        // a[row] now holds a_i - A[i,S] w_S for logical rows: w_i is its negation.
        for &(position, row) in &self.logical_positions {
            result[position] = -a[row];
        }
        a.copy_from_slice(&result);
        self.scratch = result;
        self.kernel_vector = kernel;
        for eta in &self.etas {
            let value = a[eta.position] / eta.pivot;
            a[eta.position] = value;
            if value != 0.0 {
                for &(i, w) in &eta.entries {
                    a[i] -= w * value;
                }
            }
        }
    }

    /// `c' <- c' B^-1`, `c` indexed by basis position on entry and by row on return.
    pub fn btran(&mut self, columns: &[Vec<(usize, f64)>], c: &mut [f64]) {
        for eta in self.etas.iter().rev() {
            let mut sum = c[eta.position];
            for &(i, w) in &eta.entries {
                sum -= c[i] * w;
            }
            c[eta.position] = sum / eta.pivot;
        }
        let mut y = std::mem::take(&mut self.scratch);
        y.clear();
        y.resize(self.rows, 0.0);
        for &(position, row) in &self.logical_positions {
            y[row] = -c[position];
        }
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        for (k, &variable) in self.kernel_variables.iter().enumerate() {
            let mut value = c[self.kernel_positions[k]];
            for &(row, coefficient) in &columns[variable] {
                if self.kernel_index[row] == usize::MAX {
                    value -= y[row] * coefficient;
                }
            }
            kernel.push(value);
        }
        let mut scratch = Vec::new();
        self.lu.solve_transposed(&mut kernel, &mut scratch);
        for (t, &row) in self.kernel_rows.iter().enumerate() {
            y[row] = kernel[t];
        }
        c.copy_from_slice(&y);
        self.scratch = y;
        self.kernel_vector = kernel;
    }

    /// Records that the column `w = B^-1 a_q` (basis coordinates) replaced position `position`.
    pub fn update(&mut self, position: usize, w: &[f64]) {
        let pivot = w[position];
        let largest = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let entries = w.iter().enumerate().filter(|&(i, &v)| i != position && v.abs() > 1e-14 * largest).map(|(i, &v)| (i, v)).collect();
        self.etas.push(Eta { position, pivot, entries });
    }
}
