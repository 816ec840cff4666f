//! Aligned plain-text tables: text left-aligned, numbers right-aligned.

pub struct Table {
    headers: Vec<String>,
    right_aligned: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Columns are given as (header, right-aligned?).
    pub fn new(columns: &[(&str, bool)]) -> Self {
        Table {
            headers: columns.iter().map(|(header, _)| header.to_string()).collect(),
            right_aligned: columns.iter().map(|(_, right)| *right).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.headers.len());
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self, out: &mut String) {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|column| {
                self.rows.iter().map(|row| row[column].chars().count()).chain([self.headers[column].chars().count()]).max().unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String], out: &mut String| {
            let mut text = String::new();
            for (column, cell) in cells.iter().enumerate() {
                if column > 0 {
                    text.push_str("  ");
                }
                let pad = widths[column] - cell.chars().count();
                if self.right_aligned[column] {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.push_str(&" ".repeat(pad));
                }
            }
            out.push_str("  ");
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.headers, out);
        let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
        line(&rule, out);
        for row in &self.rows {
            line(row, out);
        }
    }
}
