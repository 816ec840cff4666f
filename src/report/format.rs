//! Number formatting shared by the text printers: fixed decimals, thousands separators, and
//! never "-0.00".

/// Money with two decimals and thousands separators: `1,234.50`.
pub fn money(value: f64) -> String {
    grouped(value, 2)
}

/// Hours with one decimal and thousands separators: `1,840.0`.
pub fn hours(value: f64) -> String {
    grouped(value, 1)
}

/// A fraction as a percentage with one decimal: `0.253` -> `25.3 %`.
pub fn percent(fraction: f64) -> String {
    format!("{} %", grouped(fraction * 100.0, 1))
}

/// A number with the given decimals and thousands separators, for axis labels.
pub fn grouped_number(value: f64, decimals: usize) -> String {
    grouped(value, decimals)
}

fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value);
    // Rounding can produce "-0.00": print it as zero.
    let negative = text.starts_with('-') && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let digits = text.trim_start_matches('-');
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if negative { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_never_prints_negative_zero() {
        assert_eq!(money(1234567.891), "1,234,567.89");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(-212.4), "-212.40");
        assert_eq!(hours(999.95), "1,000.0");
        assert_eq!(percent(0.2534), "25.3 %");
    }
}
