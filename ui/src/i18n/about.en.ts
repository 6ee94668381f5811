// About (issue 17), in English.
export default {
  about: {
    title: 'About',
    version: 'Version',
    database: 'Database',
    schema: 'Schema version',
    dataDir: 'Data folder',
    drawing: 'Page drawing',
    drawingGpu: 'GPU compositing. If memory is short or the window stays blank, start the program with WEBKIT_DISABLE_COMPOSITING_MODE=1 to draw in software.',
    drawingSoftware: 'In software (started with WEBKIT_DISABLE_COMPOSITING_MODE set).',
    drawingSoftwareChosen: 'In software: this computer has no usable GPU, and drawing in software is faster and takes less memory. To draw with GPU compositing, start the program with WEBKIT_DISABLE_COMPOSITING_MODE=0.',
    openData: 'Open the data folder',
    openExports: 'Open exports',
    openBackups: 'Open backups',
    licences: 'Licences',
    licenceFont: 'Chinese font embedded in PDFs: a subset of Noto Sans CJK SC, SIL Open Font License 1.1; the interface uses the Chinese fonts installed on this computer.',
    licenceLibs: 'Open-source components (Tauri, SQLite, Vue, Element Plus, ECharts, RustCrypto and others) under their own licences (MIT, Apache-2.0 or public domain).',
    offline: 'This program never uses the network: the data stays in the data folder on this computer.',
  },
}
