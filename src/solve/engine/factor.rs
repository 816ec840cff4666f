//! The basis factor of the engine: a sparse LU of the basis kernel (singleton pivots and a dense
//! nucleus) and a product-form eta file.
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

/// A dense LU factor with partial pivoting: `P K = L U`, stored row-major in one matrix; the
/// factor of a kernel's nucleus.
#[derive(Clone)]
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

/// How a kernel column was pivoted by [`KernelLu`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum PivotKind {
    /// The column's row had no other active column: solved first, in order.
    RowSingleton,
    /// The column had no other active row: solved last, in reverse order.
    ColumnSingleton,
    /// Left to the dense nucleus.
    Nucleus,
}

/// Only entries at least this fraction of the largest in their row (column singletons) or
/// column (row singletons) are taken as singleton pivots; smaller ones are left to the nucleus,
/// whose partial pivoting bounds the growth.
const SINGLETON_THRESHOLD: f64 = 0.01;

/// A sparse factor of the kernel: singleton pivots peeled off in turn, and a dense LU of what
/// is left (the nucleus).
///
/// On capplan's models most tight rows are a customer's own (a floor or a cap on the pieces of
/// one curve) with one basic piece: a row singleton. What couples customers (capacities, segment
/// rows, the total value and the value caps that share it) is what stays in the nucleus, so the
/// dense work is the size of that coupling, not of the kernel. With row singletons `(t, k)`
/// taken while row `t` has no other active column and column singletons while column `k` has
/// no other active row, the kernel is block triangular in that order: `K x = b` is solved by the
/// row singletons forwards, the nucleus, then the column singletons backwards; `K' y = c` the
/// other way round.
#[derive(Clone)]
struct KernelLu {
    size: usize,
    /// Kernel entries by column `(row, value)` and by row `(column, value)`.
    by_column: Vec<Vec<(usize, f64)>>,
    by_row: Vec<Vec<(usize, f64)>>,
    /// Singleton pivots in the order taken: `(row, column, pivot, kind)`.
    pivots: Vec<(usize, usize, f64, PivotKind)>,
    column_kind: Vec<PivotKind>,
    row_kind: Vec<PivotKind>,
    /// Kernel rows and columns of the nucleus, and its dense factor.
    nucleus_rows: Vec<usize>,
    nucleus_columns: Vec<usize>,
    nucleus: DenseLu,
}

impl KernelLu {
    /// Factors the `size x size` kernel given by columns `(row, value)`.
    fn factor(size: usize, by_column: Vec<Vec<(usize, f64)>>) -> Result<KernelLu, Singular> {
        let mut by_row = vec![Vec::new(); size];
        for (k, column) in by_column.iter().enumerate() {
            for &(t, value) in column {
                by_row[t].push((k, value));
            }
        }
        let mut row_active = vec![true; size];
        let mut column_active = vec![true; size];
        let mut rows_in_column: Vec<usize> = by_column.iter().map(Vec::len).collect();
        let mut columns_in_row: Vec<usize> = by_row.iter().map(Vec::len).collect();
        let mut column_queue: Vec<usize> = (0..size).rev().filter(|&k| rows_in_column[k] == 1).collect();
        let mut row_queue: Vec<usize> = (0..size).rev().filter(|&t| columns_in_row[t] == 1).collect();
        let mut pivots = Vec::new();
        let mut column_kind = vec![PivotKind::Nucleus; size];
        let mut row_kind = vec![PivotKind::Nucleus; size];
        loop {
            if let Some(k) = column_queue.pop() {
                if !column_active[k] || rows_in_column[k] != 1 {
                    continue;
                }
                let Some(&(t, pivot)) = by_column[k].iter().find(|&&(t, _)| row_active[t]) else { continue };
                let largest = by_row[t].iter().filter(|&&(j, _)| column_active[j]).fold(0.0f64, |m, &(_, v)| m.max(v.abs()));
                if pivot.abs() < SINGLETON_THRESHOLD * largest || pivot == 0.0 {
                    continue;
                }
                row_active[t] = false;
                column_active[k] = false;
                for &(j, _) in &by_row[t] {
                    if column_active[j] {
                        rows_in_column[j] -= 1;
                        if rows_in_column[j] == 1 {
                            column_queue.push(j);
                        }
                    }
                }
                pivots.push((t, k, pivot, PivotKind::ColumnSingleton));
                column_kind[k] = PivotKind::ColumnSingleton;
                row_kind[t] = PivotKind::ColumnSingleton;
                continue;
            }
            let Some(t) = row_queue.pop() else { break };
            if !row_active[t] || columns_in_row[t] != 1 {
                continue;
            }
            let Some(&(k, pivot)) = by_row[t].iter().find(|&&(k, _)| column_active[k]) else { continue };
            let largest = by_column[k].iter().filter(|&&(i, _)| row_active[i]).fold(0.0f64, |m, &(_, v)| m.max(v.abs()));
            if pivot.abs() < SINGLETON_THRESHOLD * largest || pivot == 0.0 {
                continue;
            }
            row_active[t] = false;
            column_active[k] = false;
            for &(i, _) in &by_column[k] {
                if row_active[i] {
                    columns_in_row[i] -= 1;
                    if columns_in_row[i] == 1 {
                        row_queue.push(i);
                    }
                }
            }
            pivots.push((t, k, pivot, PivotKind::RowSingleton));
            column_kind[k] = PivotKind::RowSingleton;
            row_kind[t] = PivotKind::RowSingleton;
        }
        let nucleus_rows: Vec<usize> = (0..size).filter(|&t| row_active[t]).collect();
        let nucleus_columns: Vec<usize> = (0..size).filter(|&k| column_active[k]).collect();
        let n = nucleus_rows.len();
        debug_assert_eq!(n, nucleus_columns.len());
        let mut local_row = vec![usize::MAX; size];
        for (local, &t) in nucleus_rows.iter().enumerate() {
            local_row[t] = local;
        }
        let mut matrix = vec![0.0; n * n];
        for (local_column, &k) in nucleus_columns.iter().enumerate() {
            for &(t, value) in &by_column[k] {
                if local_row[t] != usize::MAX {
                    matrix[local_row[t] * n + local_column] += value;
                }
            }
        }
        match DenseLu::factor(n, matrix) {
            Ok(nucleus) => Ok(KernelLu { size, by_column, by_row, pivots, column_kind, row_kind, nucleus_rows, nucleus_columns, nucleus }),
            Err(singular) => Err(Singular {
                dependent_columns: singular.dependent_columns.iter().map(|&local| nucleus_columns[local]).collect(),
                unpivoted_rows: singular.unpivoted_rows.iter().map(|&local| nucleus_rows[local]).collect(),
            }),
        }
    }

    /// Solves `K x = b` in place (`b` by kernel row on entry, `x` by kernel column on return).
    fn solve(&self, b: &mut [f64], scratch: &mut Vec<f64>) {
        let mut x = vec![0.0; self.size];
        for &(t, k, pivot, kind) in &self.pivots {
            if kind == PivotKind::RowSingleton {
                let value = b[t] / pivot;
                x[k] = value;
                if value != 0.0 {
                    for &(i, a) in &self.by_column[k] {
                        b[i] -= a * value;
                    }
                }
            }
        }
        let mut local: Vec<f64> = self.nucleus_rows.iter().map(|&t| b[t]).collect();
        self.nucleus.solve(&mut local, scratch);
        for (&k, &value) in self.nucleus_columns.iter().zip(&local) {
            x[k] = value;
        }
        for &(t, k, pivot, kind) in self.pivots.iter().rev() {
            if kind == PivotKind::ColumnSingleton {
                let mut sum = b[t];
                for &(j, a) in &self.by_row[t] {
                    if j != k && self.column_kind[j] != PivotKind::RowSingleton {
                        sum -= a * x[j];
                    }
                }
                x[k] = sum / pivot;
            }
        }
        b.copy_from_slice(&x);
    }

    /// Solves `K' y = c` in place (`c` by kernel column on entry, `y` by kernel row on return).
    fn solve_transposed(&self, c: &mut [f64], scratch: &mut Vec<f64>) {
        let mut y = vec![0.0; self.size];
        for &(t, k, pivot, kind) in &self.pivots {
            if kind == PivotKind::ColumnSingleton {
                let value = c[k] / pivot;
                y[t] = value;
                if value != 0.0 {
                    for &(j, a) in &self.by_row[t] {
                        c[j] -= a * value;
                    }
                }
            }
        }
        let mut local: Vec<f64> = self.nucleus_columns.iter().map(|&k| c[k]).collect();
        self.nucleus.solve_transposed(&mut local, scratch);
        for (&t, &value) in self.nucleus_rows.iter().zip(&local) {
            y[t] = value;
        }
        for &(t, k, pivot, kind) in self.pivots.iter().rev() {
            if kind == PivotKind::RowSingleton {
                let mut sum = c[k];
                for &(i, a) in &self.by_column[k] {
                    if i != t && self.row_kind[i] != PivotKind::ColumnSingleton {
                        sum -= a * y[i];
                    }
                }
                y[t] = sum / pivot;
            }
        }
        c.copy_from_slice(&y);
    }

    /// Rows of the dense nucleus.
    fn nucleus_size(&self) -> usize {
        self.nucleus_rows.len()
    }
}

/// A vector of fixed length kept dense, with the list of the entries that may be non-zero, so
/// that a pass over it and its clearing cost its non-zeros instead of its length.
///
/// On capplan's models a basis column `B^-1 a_q` or a row `e_p' B^-1` reaches a few rows of
/// one customer and the coupling rows; the vectors are as long as the model has rows.
#[derive(Clone, Default)]
pub(super) struct SparseVector {
    values: Vec<f64>,
    pattern: Vec<usize>,
    in_pattern: Vec<bool>,
}

impl SparseVector {
    pub fn new(length: usize) -> SparseVector {
        SparseVector { values: vec![0.0; length], pattern: Vec::new(), in_pattern: vec![false; length] }
    }

    /// The entries by index (zero outside the pattern).
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Indices of the entries that may be non-zero, each once.
    pub fn pattern(&self) -> &[usize] {
        &self.pattern
    }

    fn include(&mut self, i: usize) {
        if !self.in_pattern[i] {
            self.in_pattern[i] = true;
            self.pattern.push(i);
        }
    }

    /// `v_i <- value`.
    pub fn set(&mut self, i: usize, value: f64) {
        self.include(i);
        self.values[i] = value;
    }

    /// `v_i <- v_i + value`.
    pub fn add(&mut self, i: usize, value: f64) {
        self.include(i);
        self.values[i] += value;
    }

    /// `v_i <- v_i - value`.
    pub fn subtract(&mut self, i: usize, value: f64) {
        self.include(i);
        self.values[i] -= value;
    }

    /// Back to zero, in the time of the pattern.
    pub fn clear(&mut self) {
        for &i in &self.pattern {
            self.values[i] = 0.0;
            self.in_pattern[i] = false;
        }
        self.pattern.clear();
    }

    /// The pattern in increasing index order: passes over it then meet the entries in the order
    /// of a pass over the dense vector, so sums and ties come out as they would there.
    pub fn sort(&mut self) {
        self.pattern.sort_unstable();
    }
}

/// One basis change: the entering column in the basis coordinates before it, `w = B^-1 a_q`,
/// replacing position `position`.
#[derive(Clone)]
struct Eta {
    position: usize,
    pivot: f64,
    /// Non-zeros of `w` other than the pivot.
    entries: Vec<(usize, f64)>,
}

/// `B^-1` as the kernel LU of the basis at the last refactorisation followed by eta columns.
#[derive(Clone)]
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
    /// Per row, the position of its logical at the refactorisation (`usize::MAX` for kernel
    /// rows); per position, the row of the logical it held (`usize::MAX` for kernel positions).
    logical_position_of_row: Vec<usize>,
    logical_row_of_position: Vec<usize>,
    lu: KernelLu,
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
        let mut kernel_columns = Vec::with_capacity(size);
        for &variable in &kernel_variables {
            let mut entries: Vec<(usize, f64)> = columns[variable]
                .iter()
                .filter(|&&(row, _)| kernel_index[row] != usize::MAX)
                .map(|&(row, value)| (kernel_index[row], value))
                .collect();
            entries.sort_by_key(|&(t, _)| t);
            entries.dedup_by(|later, earlier| {
                let same = later.0 == earlier.0;
                if same {
                    earlier.1 += later.1;
                }
                same
            });
            kernel_columns.push(entries);
        }
        match KernelLu::factor(size, kernel_columns) {
            Ok(lu) => Ok(Factor {
                rows,
                kernel_positions,
                kernel_variables,
                kernel_rows,
                kernel_index,
                logical_position_of_row: {
                    let mut of_row = vec![usize::MAX; rows];
                    for &(position, row) in &logical_positions {
                        of_row[row] = position;
                    }
                    of_row
                },
                logical_row_of_position: {
                    let mut of_position = vec![usize::MAX; basic.len()];
                    for &(position, row) in &logical_positions {
                        of_position[position] = row;
                    }
                    of_position
                },
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

    /// Size of the kernel's dense nucleus (what its singleton pivots leave).
    pub fn nucleus_size(&self) -> usize {
        self.lu.nucleus_size()
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

    /// [`Factor::ftran`] over the non-zeros: `a` (by row, consumed: left as scratch for the
    /// caller to clear) gives `out = B^-1 a` (by position; `out` zero on entry). The work is the
    /// kernel's size, the non-zeros reached and the eta file, not the number of rows; the
    /// operations are those of the dense pass in the same order, so the numbers are the same.
    pub fn ftran_sparse(&mut self, columns: &[Vec<(usize, f64)>], a: &mut SparseVector, out: &mut SparseVector) {
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        kernel.extend(self.kernel_rows.iter().map(|&row| a.values[row]));
        self.lu.solve(&mut kernel, &mut self.scratch);
        for (k, &variable) in self.kernel_variables.iter().enumerate() {
            let value = kernel[k];
            if value != 0.0 {
                out.set(self.kernel_positions[k], value);
                for &(row, coefficient) in &columns[variable] {
                    if self.kernel_index[row] == usize::MAX {
                        a.subtract(row, coefficient * value);
                    }
                }
            }
        }
        for &row in &a.pattern {
            let position = self.logical_position_of_row[row];
            if position != usize::MAX {
                out.set(position, -a.values[row]);
            }
        }
        self.kernel_vector = kernel;
        for eta in &self.etas {
            let value = out.values[eta.position] / eta.pivot;
            out.values[eta.position] = value;
            if value != 0.0 {
                for &(i, w) in &eta.entries {
                    out.subtract(i, w * value);
                }
            }
        }
    }

    /// [`Factor::btran`] over the non-zeros: `c` (by position, consumed) gives `out = c' B^-1`
    /// (by row; `out` zero on entry), with the numbers of the dense pass.
    pub fn btran_sparse(&mut self, columns: &[Vec<(usize, f64)>], c: &mut SparseVector, out: &mut SparseVector) {
        for eta in self.etas.iter().rev() {
            let mut sum = c.values[eta.position];
            for &(i, w) in &eta.entries {
                sum -= c.values[i] * w;
            }
            if sum != 0.0 {
                c.set(eta.position, sum / eta.pivot);
            } else {
                c.values[eta.position] = sum / eta.pivot;
            }
        }
        for &position in &c.pattern {
            let row = self.logical_row_of_position[position];
            if row != usize::MAX {
                out.set(row, -c.values[position]);
            }
        }
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        for (k, &variable) in self.kernel_variables.iter().enumerate() {
            let mut value = c.values[self.kernel_positions[k]];
            for &(row, coefficient) in &columns[variable] {
                if self.kernel_index[row] == usize::MAX {
                    value -= out.values[row] * coefficient;
                }
            }
            kernel.push(value);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        self.lu.solve_transposed(&mut kernel, &mut scratch);
        self.scratch = scratch;
        for (t, &row) in self.kernel_rows.iter().enumerate() {
            if kernel[t] != 0.0 {
                out.set(row, kernel[t]);
            }
        }
        self.kernel_vector = kernel;
    }

    /// Records that the column `w = B^-1 a_q` (basis coordinates, sparse with a sorted pattern)
    /// replaced position `position`.
    pub fn update_sparse(&mut self, position: usize, w: &SparseVector) {
        let pivot = w.values[position];
        let largest = w.pattern.iter().fold(0.0f64, |m, &i| m.max(w.values[i].abs()));
        let entries = w.pattern.iter().map(|&i| (i, w.values[i])).filter(|&(i, v)| i != position && v.abs() > 1e-14 * largest).collect();
        self.etas.push(Eta { position, pivot, entries });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random kernel: a few dense coupling rows and columns over many
    /// sparse ones, as the tight rows of capplan's models look, permuted.
    fn kernel(size: usize, seed: u64) -> Vec<Vec<(usize, f64)>> {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        let mut dense = vec![0.0; size * size];
        for k in 0..size {
            // A diagonal keeps the matrix regular; a few entries below it make row and column
            // singletons chain; the first three rows and the last two columns couple everything.
            dense[k * size + k] = 1.0 + 3.0 * next();
            if k > 0 && next() < 0.5 {
                dense[k * size + (k - 1)] = next() - 0.5;
            }
            for t in 0..3.min(size) {
                if next() < 0.6 {
                    dense[t * size + k] += 2.0 * next() - 1.0;
                }
            }
            for c in size.saturating_sub(2)..size {
                if next() < 0.3 {
                    dense[k * size + c] += 2.0 * next() - 1.0;
                }
            }
        }
        (0..size).map(|k| (0..size).filter(|&t| dense[t * size + k] != 0.0).map(|t| (t, dense[t * size + k])).collect()).collect()
    }

    #[test]
    fn kernel_lu_solves_both_ways_with_singletons_and_a_nucleus() {
        for (size, seed) in [(1, 1), (2, 2), (7, 3), (40, 4), (120, 5)] {
            let columns = kernel(size, seed);
            let lu = KernelLu::factor(size, columns.clone()).unwrap_or_else(|_| panic!("regular kernel {size}"));
            assert!(lu.pivots.len() + lu.nucleus_size() == size);
            if size >= 40 {
                // Both parts are exercised.
                assert!(lu.nucleus_size() > 0 && lu.pivots.iter().any(|p| p.3 == PivotKind::RowSingleton), "size {size}");
                assert!(lu.pivots.iter().any(|p| p.3 == PivotKind::ColumnSingleton), "size {size}");
            }
            let b: Vec<f64> = (0..size).map(|t| (t as f64 * 0.37).sin()).collect();
            let mut x = b.clone();
            lu.solve(&mut x, &mut Vec::new());
            let mut residual = b.clone();
            for (k, column) in columns.iter().enumerate() {
                for &(t, a) in column {
                    residual[t] -= a * x[k];
                }
            }
            assert!(residual.iter().all(|r| r.abs() < 1e-10), "K x = b, size {size}: {residual:?}");
            let c: Vec<f64> = (0..size).map(|k| (k as f64 * 0.61).cos()).collect();
            let mut y = c.clone();
            lu.solve_transposed(&mut y, &mut Vec::new());
            for (k, column) in columns.iter().enumerate() {
                let priced: f64 = column.iter().map(|&(t, a)| a * y[t]).sum();
                assert!((priced - c[k]).abs() < 1e-10, "K' y = c, size {size}, column {k}");
            }
        }
    }

    #[test]
    fn kernel_lu_reports_dependent_columns() {
        // Columns 1 and 2 are equal.
        let columns = vec![vec![(0, 1.0)], vec![(1, 1.0), (2, 1.0)], vec![(1, 1.0), (2, 1.0)]];
        let Err(singular) = KernelLu::factor(3, columns) else { panic!("singular kernel factored") };
        assert_eq!(singular.dependent_columns.len(), 1);
        assert_eq!(singular.unpivoted_rows.len(), 1);
    }
}
