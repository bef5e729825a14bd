//! Benchmarks of the registers store (filled in below).
fn main() {}
