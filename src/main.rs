//! The `capplan` command; everything it does lives in [`capplan::cli`].

fn main() {
    std::process::exit(capplan::cli::run());
}
