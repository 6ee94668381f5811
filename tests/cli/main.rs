//! The `park-review` command line, driven as a user or a script drives it: the real binary, a
//! temporary database per test, and assertions on what is printed and what is left on disk.
//! One module per area; `support` holds the sandbox and the shared fixtures. The CLI's tests
//! check the wiring (arguments, output, exit status, files); the rules of each action are
//! tested once, in `crates/operations`.

mod applications;
mod bad_inputs;
mod crash;
mod database;
mod exchange;
mod hostile;
mod inspection;
mod panel;
mod ranking;
mod review;
mod signing;
mod support;
mod trust;
