//! The desktop app's entry point. Everything lives in the library so tests can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    park_review_app::run();
}
