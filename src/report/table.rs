//! Aligned plain-text tables that fit a width: text left-aligned, numbers right-aligned. A table
//! too wide for its width first wraps its prose column (if it has one) over several lines, then
//! splits its columns into blocks that each repeat the key columns (customer, resource).
//! Long names are shortened by [`short_name`], the same way in every table.

/// Names (customer, resource, segment ids) longer than this are shortened in tables.
pub const NAME_WIDTH: usize = 24;

/// A name shortened to at most [`NAME_WIDTH`] characters, keeping its start and its end
/// (`a-very-long-customer-name-east` -> `a-very-long-cust…me-east`), so that names which differ
/// only at the end stay apart. The same name is always shortened the same way.
pub fn short_name(name: &str) -> String {
    shorten(name, NAME_WIDTH)
}

/// `text` in at most `width` characters: start, `…`, end.
pub fn shorten(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width || width < 4 {
        return text.to_string();
    }
    let tail = (width - 1) / 3;
    let head = width - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// A constraint id with the names inside its brackets shortened: `floor[a-very…/sales]`.
pub fn short_id(id: &str) -> String {
    match id.split_once('[') {
        Some((family, rest)) if rest.ends_with(']') => {
            let inner = &rest[..rest.len() - 1];
            let parts: Vec<String> = inner.split('/').map(short_name).collect();
            format!("{family}[{}]", parts.join("/"))
        }
        _ => short_name(id),
    }
}

/// Words of `text` wrapped into lines of at most `width` characters (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        let needed = if line.is_empty() { 0 } else { line.chars().count() + 1 };
        if needed + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Writes `text` as an indented paragraph: the first line starts with `first`, the others with
/// as many spaces, every line within `width` characters.
pub fn paragraph(out: &mut String, first: &str, text: &str, width: usize) {
    let indent = first.chars().count();
    for (index, line) in wrap(text, width.saturating_sub(indent)).into_iter().enumerate() {
        if index == 0 {
            out.push_str(first);
        } else {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

/// Writes `text` within `width` characters, its continuation lines indented by two spaces.
pub fn hanging(out: &mut String, text: &str, width: usize) {
    for (index, line) in wrap(text, width.saturating_sub(2)).into_iter().enumerate() {
        if index > 0 {
            out.push_str("  ");
        }
        out.push_str(&line);
        out.push('\n');
    }
}

/// A text table: headers, then rows of cells, each column left- or right-aligned, laid out within a
/// width by wrapping prose columns or splitting into blocks.
pub struct Table {
    headers: Vec<String>,
    right_aligned: Vec<bool>,
    rows: Vec<Vec<String>>,
    /// Leading columns repeated in every block when the table is split.
    key_columns: usize,
    /// The column whose text wraps when the table is too wide.
    wrap_column: Option<usize>,
}

/// Spaces before each line and between columns.
const INDENT: usize = 2;
const GAP: usize = 2;

impl Table {
    /// Columns are given as (header, right-aligned?).
    pub fn new(columns: &[(&str, bool)]) -> Self {
        Table {
            headers: columns.iter().map(|(header, _)| header.to_string()).collect(),
            right_aligned: columns.iter().map(|(_, right)| *right).collect(),
            rows: Vec::new(),
            key_columns: 1,
            wrap_column: None,
        }
    }

    /// How many leading columns identify a row (repeated when the table is split).
    pub fn keys(mut self, count: usize) -> Self {
        self.key_columns = count;
        self
    }

    /// The column of prose that wraps when the table is too wide.
    pub fn wrapping(mut self, column: usize) -> Self {
        self.wrap_column = Some(column);
        self
    }

    /// Adds a row: one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.headers.len());
        self.rows.push(cells);
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|column| {
                self.rows.iter().map(|row| row[column].chars().count()).chain([self.headers[column].chars().count()]).max().unwrap_or(0)
            })
            .collect()
    }

    /// Renders within the default report width.
    pub fn render(&self, out: &mut String) {
        self.render_within(out, super::text::DEFAULT_WIDTH);
    }

    /// Renders with every line at most `width` characters.
    pub fn render_within(&self, out: &mut String, width: usize) {
        let mut widths = self.widths();
        let total = |widths: &[usize]| INDENT + widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
        if let Some(column) = self.wrap_column
            && total(&widths) > width
        {
            let others = total(&widths) - widths[column];
            let room = width.saturating_sub(others).max(self.headers[column].chars().count()).max(16);
            widths[column] = widths[column].min(room);
        }
        if total(&widths) <= width {
            self.render_columns(out, &(0..self.headers.len()).collect::<Vec<_>>(), &widths);
            return;
        }
        // Split: the key columns, then as many of the others as fit, block after block.
        let keys: Vec<usize> = (0..self.key_columns.min(self.headers.len())).collect();
        let mut rest: Vec<usize> = (keys.len()..self.headers.len()).collect();
        let mut first = true;
        while !rest.is_empty() {
            let mut block = keys.clone();
            while let Some(&next) = rest.first() {
                let mut trial: Vec<usize> = block.iter().map(|&c| widths[c]).collect();
                trial.push(widths[next]);
                if block.len() > keys.len() && total(&trial) > width {
                    break;
                }
                block.push(next);
                rest.remove(0);
            }
            if !first {
                out.push('\n');
            }
            first = false;
            self.render_columns(out, &block, &widths);
        }
    }

    fn render_columns(&self, out: &mut String, columns: &[usize], widths: &[usize]) {
        let line = |cells: &[String], out: &mut String| {
            // A wrapped cell takes several lines; the other cells stand on the first.
            let wrapped: Vec<Vec<String>> = columns
                .iter()
                .map(|&column| {
                    let cell = &cells[column];
                    if Some(column) == self.wrap_column && cell.chars().count() > widths[column] {
                        wrap(cell, widths[column])
                    } else {
                        vec![cell.clone()]
                    }
                })
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            for level in 0..height {
                let mut text = String::new();
                for (at, &column) in columns.iter().enumerate() {
                    if at > 0 {
                        text.push_str(&" ".repeat(GAP));
                    }
                    let cell = wrapped[at].get(level).map_or("", String::as_str);
                    let pad = widths[column].saturating_sub(cell.chars().count());
                    if self.right_aligned[column] {
                        text.push_str(&" ".repeat(pad));
                        text.push_str(cell);
                    } else {
                        text.push_str(cell);
                        text.push_str(&" ".repeat(pad));
                    }
                }
                out.push_str(&" ".repeat(INDENT));
                out.push_str(text.trim_end());
                out.push('\n');
            }
        };
        line(&self.headers, out);
        let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
        line(&rule, out);
        for row in &self.rows {
            line(row, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_start_and_end() {
        let name = "a-very-long-customer-name-east";
        let short = short_name(name);
        assert_eq!(short.chars().count(), NAME_WIDTH);
        assert!(short.starts_with("a-very-long"));
        assert!(short.ends_with("east"));
        assert_eq!(short_name("m1"), "m1");
        assert_eq!(short_id("floor[a-very-long-customer-name-east/sales]"), format!("floor[{short}/sales]"));
    }

    #[test]
    fn a_wide_table_is_split_into_blocks_within_the_width() {
        let columns: Vec<(String, bool)> = (0..12).map(|i| (format!("column {i}"), true)).collect();
        let columns: Vec<(&str, bool)> = columns.iter().map(|(h, r)| (h.as_str(), *r)).collect();
        let mut table = Table::new(&columns);
        table.row((0..12).map(|i| format!("{}", i * 1000)).collect());
        let mut out = String::new();
        table.render_within(&mut out, 60);
        assert!(out.lines().all(|line| line.chars().count() <= 60), "{out}");
        assert!(out.matches("column 0").count() >= 2, "the key column is repeated: {out}");
        assert!(out.contains("column 11"));
    }

    #[test]
    fn a_prose_column_wraps_within_the_width() {
        let mut table = Table::new(&[("id", false), ("reading", false)]).wrapping(1);
        table.row(vec!["x".into(), "word ".repeat(40)]);
        let mut out = String::new();
        table.render_within(&mut out, 50);
        assert!(out.lines().all(|line| line.chars().count() <= 50), "{out}");
        assert!(out.lines().count() > 4);
    }
}
