//! Tauri's build step for the bare window.
fn main() {
    tauri_build::build()
}
