// 关于 (issue 17), in Chinese.
export default {
  about: {
    title: '关于',
    version: '版本',
    database: '数据库',
    schema: '数据库结构版本',
    dataDir: '数据文件夹',
    drawing: '页面绘制',
    drawingGpu: '显卡合成。内存紧张或窗口空白时，可在启动前设置环境变量 WEBKIT_DISABLE_COMPOSITING_MODE=1 改用软件绘制。',
    drawingSoftware: '软件绘制（启动时设置了 WEBKIT_DISABLE_COMPOSITING_MODE）。',
    drawingSoftwareChosen: '软件绘制：本机没有可用的显卡，软件绘制更快、更省内存。如需显卡合成，可在启动前设置环境变量 WEBKIT_DISABLE_COMPOSITING_MODE=0。',
    openData: '打开数据文件夹',
    openExports: '打开导出文件夹',
    openBackups: '打开备份文件夹',
    licences: '许可',
    licenceFont: 'PDF 中嵌入的中文字体：思源黑体（Noto Sans CJK SC）的子集，SIL Open Font License 1.1；界面使用本机安装的中文字体。',
    licenceLibs: '使用的开源组件（Tauri、SQLite、Vue、Element Plus、ECharts、RustCrypto 等）各按其许可证（MIT、Apache-2.0 或公有领域）发布。',
    offline: '本程序不联网：数据只保存在本机的数据文件夹中。',
  },
}
