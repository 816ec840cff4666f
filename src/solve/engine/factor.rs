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
//! kept as eta columns (`B_new = B E`), over the positions that are not lazy: a logical that has
//! stayed basic since the refactorisation takes its value from its own row, `w_i = A[i,S] w_S -
//! a_i` with the structural basics of now, so neither the etas nor `ftran` carry it (see
//! [`Factor::ftran_sparse`]); `btran` is that computation transposed, step by step.

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

    /// The non-zeros of a dense vector, in index order.
    pub fn from_dense(dense: &[f64]) -> SparseVector {
        let mut vector = SparseVector::new(dense.len());
        for (i, &value) in dense.iter().enumerate() {
            if value != 0.0 {
                vector.set(i, value);
            }
        }
        vector
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
        if self.pattern.len() > self.values.len() / 16 {
            // A dense pattern (a basis column that reaches every capped customer) is listed
            // again from the flags in one pass, cheaper than sorting it.
            self.pattern.clear();
            self.pattern.extend(self.in_pattern.iter().enumerate().filter(|&(_, &listed)| listed).map(|(i, _)| i));
        } else {
            self.pattern.sort_unstable();
        }
    }
}

/// The basis changes since the last refactorisation (`B_new = B E_1 ... E_k`), each the entering
/// column in the basis coordinates before it, `w = B^-1 a_q`, replacing position `position`.
///
/// Only the entries of `w` at positions that are not lazy when the eta is made are kept (see
/// [`Factor::ftran_sparse`]); an eta whose position held a lazy logical keeps instead that
/// logical's row over the structural basics (its preamble). The entries are in one flat list,
/// reused from one refactorisation to the next, and chained by position, so that a `btran` of a
/// pivot row, which meets a few hundred positions, walks the chains of those and not the file.
#[derive(Clone, Default)]
struct EtaFile {
    /// Per eta: the position it replaced, its pivot `w_position`, where its entries start.
    positions: Vec<usize>,
    pivots: Vec<f64>,
    starts: Vec<usize>,
    /// Non-zeros `(position, w_i)` other than the pivot, eta after eta.
    entries: Vec<(usize, f64)>,
    /// Per entry: its eta, and the entry of the latest earlier eta at the same position
    /// (`NONE` when there is none).
    entry_eta: Vec<u32>,
    previous: Vec<u32>,
    /// Per basis position, its latest entry (`NONE` when no eta reaches it).
    latest: Vec<u32>,
    /// Per eta whose position held a lazy logical: that logical's row (`usize::MAX` for the
    /// others), and the positions of the structural basics in that row with their
    /// coefficients, from `preamble_starts`.
    preamble_row: Vec<usize>,
    preamble_starts: Vec<usize>,
    preamble_terms: Vec<(usize, f64)>,
}

const NONE: u32 = u32::MAX;

impl EtaFile {
    fn len(&self) -> usize {
        self.positions.len()
    }

    /// Empty, for a basis of `rows` positions, keeping the storage.
    fn reset(&mut self, rows: usize) {
        for &(i, _) in &self.entries {
            if i < self.latest.len() {
                self.latest[i] = NONE;
            }
        }
        self.latest.resize(rows, NONE);
        self.positions.clear();
        self.pivots.clear();
        self.starts.clear();
        self.entries.clear();
        self.entry_eta.clear();
        self.previous.clear();
        self.preamble_row.clear();
        self.preamble_starts.clear();
        self.preamble_terms.clear();
    }

    /// Appends an eta; `preamble` is the row of a lazy logical at `position` with the positions
    /// of that row's structural basics and their coefficients.
    fn push(
        &mut self,
        position: usize,
        pivot: f64,
        entries: impl Iterator<Item = (usize, f64)>,
        preamble: Option<(usize, Vec<(usize, f64)>)>,
    ) {
        let eta = self.positions.len() as u32;
        self.positions.push(position);
        self.pivots.push(pivot);
        self.starts.push(self.entries.len());
        for (i, w) in entries {
            let index = self.entries.len() as u32;
            self.entries.push((i, w));
            self.entry_eta.push(eta);
            self.previous.push(self.latest[i]);
            self.latest[i] = index;
        }
        self.preamble_starts.push(self.preamble_terms.len());
        match preamble {
            Some((row, terms)) => {
                self.preamble_row.push(row);
                self.preamble_terms.extend(terms);
            }
            None => self.preamble_row.push(usize::MAX),
        }
    }

    /// Entries of eta `k`.
    fn entries_of(&self, k: usize) -> &[(usize, f64)] {
        let end = self.starts.get(k + 1).copied().unwrap_or(self.entries.len());
        &self.entries[self.starts[k]..end]
    }

    /// The structural basics of the row of eta `k`'s lazy logical, by position.
    fn preamble_of(&self, k: usize) -> &[(usize, f64)] {
        let end = self.preamble_starts.get(k + 1).copied().unwrap_or(self.preamble_terms.len());
        &self.preamble_terms[self.preamble_starts[k]..end]
    }

    /// Adds `change * w` to the sums of the etas before `before` that reach `position`.
    fn spread(&self, sums: &mut [f64], position: usize, change: f64, before: usize) {
        let mut entry = self.latest[position];
        while entry != NONE {
            let eta = self.entry_eta[entry as usize] as usize;
            if eta < before {
                sums[eta] += change * self.entries[entry as usize].1;
            }
            entry = self.previous[entry as usize];
        }
    }
}

/// `B^-1` as the kernel LU of the basis at the last refactorisation followed by eta columns.
#[derive(Clone)]
pub(super) struct Factor {
    rows: usize,
    /// Kernel column k is the structural basic at position `kernel_positions[k]`; kernel row t
    /// is problem row `kernel_rows[t]`.
    kernel_positions: Vec<usize>,
    kernel_rows: Vec<usize>,
    /// Per position, the row of the logical it held at the refactorisation (`usize::MAX` for
    /// kernel positions).
    logical_row_of_position: Vec<usize>,
    lu: KernelLu,
    /// Number of structural columns: variables from it on are logicals.
    structurals: usize,
    /// Variable at each basis position now (the refactored basis, then each eta's entering).
    variable_at: Vec<usize>,
    /// Per position, whether it is lazy: it has held the same logical since the
    /// refactorisation and no eta has replaced it; per row, the position of its lazy logical
    /// (`usize::MAX` when the row has none).
    lazy: Vec<bool>,
    lazy_position_of_row: Vec<usize>,
    etas: EtaFile,
    /// `btran`'s sums per eta, scratch.
    eta_sums: Vec<f64>,
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
                kernel_rows,
                logical_row_of_position: {
                    let mut of_position = vec![usize::MAX; basic.len()];
                    for &(position, row) in &logical_positions {
                        of_position[position] = row;
                    }
                    of_position
                },
                lazy: {
                    let mut lazy = vec![false; basic.len()];
                    for &(position, _) in &logical_positions {
                        lazy[position] = true;
                    }
                    lazy
                },
                lazy_position_of_row: {
                    let mut of_row = vec![usize::MAX; rows];
                    for &(position, row) in &logical_positions {
                        of_row[row] = position;
                    }
                    of_row
                },
                lu,
                structurals,
                variable_at: basic.to_vec(),
                etas: {
                    let mut etas = EtaFile::default();
                    etas.reset(rows);
                    etas
                },
                eta_sums: Vec::new(),
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

    /// Takes the eta file's storage of `old` (a factor of the same basis size), so that each
    /// refactorisation does not allocate and fault in the file afresh.
    pub fn reuse_storage(&mut self, old: Factor) {
        let mut etas = old.etas;
        etas.reset(self.rows);
        self.etas = etas;
        self.eta_sums = old.eta_sums;
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

    /// `a <- B^-1 a`, `a` indexed by row on entry and by basis position on return: the dense
    /// form of [`Factor::ftran_sparse`], for the analyses that read a whole basis column.
    pub fn ftran(&mut self, columns: &[Vec<(usize, f64)>], a: &mut [f64]) {
        let input = SparseVector::from_dense(a);
        let mut out = SparseVector::new(self.rows);
        self.ftran_sparse(columns, &input, &mut out);
        a.copy_from_slice(&out.values);
    }

    /// `c' <- c' B^-1`, `c` indexed by basis position on entry and by row on return: the dense
    /// form of [`Factor::btran_sparse`].
    pub fn btran(&mut self, row_terms: &[Vec<(usize, f64)>], position_of: &[usize], c: &mut [f64]) {
        let mut input = SparseVector::from_dense(c);
        let mut out = SparseVector::new(self.rows);
        self.btran_sparse(row_terms, position_of, &mut input, &mut out);
        c.copy_from_slice(&out.values);
    }

    /// `out = B^-1 a` over the non-zeros: `a` by row (left unchanged), `out` by position (zero
    /// on entry). The work is the kernel's size, the eta entries reached and the non-zeros of
    /// the result, not the number of rows.
    ///
    /// Why lazy positions: a basic logical `r_i` has column `-e_i`, so row `i` of `B w = a`
    /// reads `w_p = sum_j A[i,j] w_pos(j) - a_i` over the structural basics `j`, whatever the
    /// eta file holds. A position that has held the same logical since the refactorisation
    /// (lazy) never feeds another position, so the etas keep no entries there and its value is
    /// read off that row at the end, from the structural positions. On capplan's models with a
    /// value-share cap every capped customer's value-cap row reads the total value: a column
    /// that moves the total value reaches all of them, and the eta entries there (half the rows,
    /// each pivot) were most of the work. An eta whose position was lazy starts with that row's
    /// sum (its preamble): the position's value at that point.
    pub fn ftran_sparse(&mut self, columns: &[Vec<(usize, f64)>], a: &SparseVector, out: &mut SparseVector) {
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        kernel.extend(self.kernel_rows.iter().map(|&row| a.values[row]));
        self.lu.solve(&mut kernel, &mut self.scratch);
        for (k, &value) in kernel.iter().enumerate() {
            if value != 0.0 {
                out.set(self.kernel_positions[k], value);
            }
        }
        self.kernel_vector = kernel;
        let etas = &self.etas;
        for k in 0..etas.len() {
            let position = etas.positions[k];
            let row = etas.preamble_row[k];
            if row != usize::MAX {
                let mut value = -a.values[row];
                for &(p, coefficient) in etas.preamble_of(k) {
                    value += coefficient * out.values[p];
                }
                if value != 0.0 {
                    out.set(position, value);
                }
            }
            let value = out.values[position] / etas.pivots[k];
            out.values[position] = value;
            if value != 0.0 {
                for &(i, w) in etas.entries_of(k) {
                    out.subtract(i, w * value);
                }
            }
        }
        let reached = out.pattern.len();
        for index in 0..reached {
            let p = out.pattern[index];
            let variable = self.variable_at[p];
            let value = out.values[p];
            if variable < self.structurals && value != 0.0 {
                for &(row, coefficient) in &columns[variable] {
                    let lazy = self.lazy_position_of_row[row];
                    if lazy != usize::MAX {
                        out.add(lazy, coefficient * value);
                    }
                }
            }
        }
        for &row in &a.pattern {
            let lazy = self.lazy_position_of_row[row];
            if lazy != usize::MAX {
                out.subtract(lazy, a.values[row]);
            }
        }
    }

    /// `out = c' B^-1` over the non-zeros: `c` by position (consumed), `out` by row (zero on
    /// entry). `row_terms` is the matrix by row and `position_of` the basis position of every
    /// variable (`usize::MAX` for nonbasics).
    ///
    /// It is the transpose of [`Factor::ftran_sparse`], step by step in reverse order: a lazy
    /// logical's row sum gives `y_i = -c_p` and moves `c_p` onto the structural basics of row
    /// `i`; each eta from the last solves its position, an eta's preamble does the same as a
    /// lazy logical's row; the kernel's transposed solve gives the tight rows.
    pub fn btran_sparse(&mut self, row_terms: &[Vec<(usize, f64)>], position_of: &[usize], c: &mut SparseVector, out: &mut SparseVector) {
        let reached = c.pattern.len();
        for index in 0..reached {
            let position = c.pattern[index];
            let value = c.values[position];
            if !self.lazy[position] || value == 0.0 {
                continue;
            }
            let row = self.logical_row_of_position[position];
            out.subtract(row, value);
            for &(j, coefficient) in &row_terms[row] {
                let q = position_of[j];
                if q != usize::MAX {
                    c.add(q, coefficient * value);
                }
            }
            c.values[position] = 0.0;
        }
        // Each eta `k`, last first, sets `c_p <- (c_p - sum_i c_i w_i) / pivot` at its position
        // `p`. The sums are gathered by position instead of by eta: every non-zero `c_i` adds
        // its part to the sums of the etas that reach `i` (its chain), and a `c_i` that changes
        // later adds its change to the earlier etas that reach `i`.
        let etas = &self.etas;
        let sums = &mut self.eta_sums;
        sums.clear();
        sums.resize(etas.len(), 0.0);
        for &i in &c.pattern {
            let value = c.values[i];
            if value != 0.0 {
                etas.spread(sums, i, value, etas.len());
            }
        }
        for k in (0..etas.len()).rev() {
            let position = etas.positions[k];
            let before = c.values[position];
            let after = (before - sums[k]) / etas.pivots[k];
            if after != before {
                c.set(position, after);
                etas.spread(sums, position, after - before, k);
            }
            let row = etas.preamble_row[k];
            if row != usize::MAX && after != 0.0 {
                out.subtract(row, after);
                for &(q, coefficient) in etas.preamble_of(k) {
                    c.add(q, coefficient * after);
                    etas.spread(sums, q, coefficient * after, k);
                }
                // No earlier eta reaches a position that was lazy until this one.
                c.values[position] = 0.0;
            }
        }
        let mut kernel = std::mem::take(&mut self.kernel_vector);
        kernel.clear();
        kernel.extend(self.kernel_positions.iter().map(|&position| c.values[position]));
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

    /// Records that variable `entering`, whose column is `w = B^-1 a_q` (basis coordinates,
    /// sparse, in any order), replaced position `position`. `row_terms` is the matrix by
    /// row and `position_of` the basis position of every variable before the change
    /// (`usize::MAX` for nonbasics): they give the preamble of a lazy position.
    pub fn update_sparse(
        &mut self,
        position: usize,
        entering: usize,
        w: &SparseVector,
        row_terms: &[Vec<(usize, f64)>],
        position_of: &[usize],
    ) {
        let pivot = w.values[position];
        let largest = w.pattern.iter().fold(0.0f64, |m, &i| m.max(w.values[i].abs()));
        let preamble = self.lazy[position].then(|| {
            let row = self.logical_row_of_position[position];
            let terms = row_terms[row]
                .iter()
                .filter(|&&(j, _)| position_of[j] != usize::MAX)
                .map(|&(j, coefficient)| (position_of[j], coefficient))
                .collect();
            (row, terms)
        });
        let lazy = &self.lazy;
        let entries = w.pattern.iter().map(|&i| (i, w.values[i])).filter(|&(i, v)| i != position && !lazy[i] && v.abs() > 1e-14 * largest);
        self.etas.push(position, pivot, entries, preamble);
        if self.lazy[position] {
            self.lazy[position] = false;
            self.lazy_position_of_row[self.logical_row_of_position[position]] = usize::MAX;
        }
        self.variable_at[position] = entering;
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

    /// Column `j` of `[A -I]` by row.
    fn column_of(columns: &[Vec<(usize, f64)>], rows: usize, j: usize) -> Vec<f64> {
        let mut dense = vec![0.0; rows];
        if j < columns.len() {
            for &(i, a) in &columns[j] {
                dense[i] += a;
            }
        } else {
            dense[j - columns.len()] -= 1.0;
        }
        dense
    }

    /// `B w = a` and `B' y = c` for the basis after each of a run of pivots that make logicals
    /// leave (lazy positions become active, with a preamble), structurals leave for logicals
    /// and structurals for structurals: the lazy `ftran` and its transpose `btran` solve with
    /// the basis the engine holds, not only with the refactored one (issue 9).
    #[test]
    fn issue9_lazy_ftran_and_its_transpose_solve_with_the_basis_after_pivots() {
        let rows = 12;
        let structurals = 20;
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        // Row 0 reads every column (the total value's row of capplan's models), the others a
        // few columns each.
        let mut columns: Vec<Vec<(usize, f64)>> = Vec::new();
        for j in 0..structurals {
            let mut column = vec![(0, 0.5 + next())];
            for i in 1..rows {
                if next() < 0.3 || i == 1 + j % (rows - 1) {
                    column.push((i, 2.0 * next() - 1.0));
                }
            }
            columns.push(column);
        }
        let mut row_terms = vec![Vec::new(); rows];
        for (j, column) in columns.iter().enumerate() {
            for &(i, a) in column {
                row_terms[i].push((j, a));
            }
        }
        let mut basic: Vec<usize> = (structurals..structurals + rows).collect();
        let mut position = vec![usize::MAX; structurals + rows];
        for (p, &j) in basic.iter().enumerate() {
            position[j] = p;
        }
        let mut factor = Factor::new(&columns, rows, &basic).unwrap_or_else(|_| panic!("slack basis"));
        let mut pivots = 0;
        for round in 0..60 {
            let entering = (round * 7 + 3) % (structurals + rows);
            if position[entering] != usize::MAX {
                continue;
            }
            let a = SparseVector::from_dense(&column_of(&columns, rows, entering));
            let mut w = SparseVector::new(rows);
            factor.ftran_sparse(&columns, &a, &mut w);
            w.sort();
            // The largest entry leaves, so that the basis stays well conditioned.
            let Some(leaving) =
                (0..rows).filter(|&p| w.values()[p].abs() > 0.1).max_by(|&p, &q| w.values()[p].abs().total_cmp(&w.values()[q].abs()))
            else {
                continue;
            };
            factor.update_sparse(leaving, entering, &w, &row_terms, &position);
            position[basic[leaving]] = usize::MAX;
            basic[leaving] = entering;
            position[entering] = leaving;
            pivots += 1;
            let basis: Vec<Vec<f64>> = basic.iter().map(|&j| column_of(&columns, rows, j)).collect();
            let a: Vec<f64> = (0..rows).map(|i| next() - 0.5 + if i % 3 == 0 { 0.0 } else { 1.0 }).collect();
            let mut w = a.clone();
            factor.ftran(&columns, &mut w);
            for i in 0..rows {
                let product: f64 = (0..rows).map(|p| basis[p][i] * w[p]).sum();
                assert!((product - a[i]).abs() < 1e-9, "B w = a, row {i}, after {pivots} pivots");
            }
            let c: Vec<f64> = (0..rows).map(|p| if p % 2 == 0 { next() } else { 0.0 }).collect();
            let mut y = c.clone();
            factor.btran(&row_terms, &position, &mut y);
            for p in 0..rows {
                let product: f64 = (0..rows).map(|i| basis[p][i] * y[i]).sum();
                assert!((product - c[p]).abs() < 1e-9, "B' y = c, position {p}, after {pivots} pivots");
            }
        }
        assert!(pivots >= 12, "{pivots} pivots");
        assert!(factor.etas.preamble_row.iter().any(|&row| row != usize::MAX), "no lazy position was activated");
        assert!(basic.iter().any(|&j| j >= structurals) && basic.iter().any(|&j| j < structurals), "a mixed basis");
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
