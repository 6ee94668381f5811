//! Tauri's build step for the bare window. Its pages are embedded when it is compiled: a change
//! under dist/ (the stack-floor pages `make bench-startup` builds there) compiles it again.
fn main() {
    println!("cargo:rerun-if-changed=dist");
    tauri_build::build()
}
