//! A bare Tauri 2 window: the floor of `make bench-startup`. It shows one line of Chinese
//! (`dist/index.html`) or, with `BARE_WINDOW_PAGE=floor/index.html`, the fixed UI stack's floor
//! (`ui/bench-floor`: ParkReview's first screen and ranking page built from Vue, vue-i18n,
//! Element Plus and ECharts, with no application code), so the bench can tell what the stack
//! costs from what ParkReview adds. Its security policy (tauri.conf.json) is ParkReview's, so
//! the floor's pages run under the same rules.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            // The one window of tauri.conf.json (`create: false` there), on the page asked for.
            let mut window = app.config().app.windows[0].clone();
            if let Ok(page) = std::env::var("BARE_WINDOW_PAGE") {
                window.url = WebviewUrl::App(page.into());
            }
            WebviewWindowBuilder::from_config(app.handle(), &window)?.build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
