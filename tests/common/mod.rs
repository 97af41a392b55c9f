//! Helpers shared by test files: each test file includes this folder with `mod common;`.

pub mod cli_runner;
pub mod cli_table;
