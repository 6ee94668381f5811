// Messages as vue-i18n's runtime reads them once compiled (ParkReview compiles its own at build
// time with @intlify/unplugin-vue-i18n); plain functions here, so no compiler is shipped.
const m = (text: string) => () => text
export const messages = {
  'zh-CN': {
    title: m('广东省人工智能产业园区评审'),
    short: m('园区评审'),
    welcome: m('欢迎使用园区评审系统'),
    intro: m('本系统在本机离线运行，所有数据保存在本机数据库中。开始前，请先创建一个评审批次，或载入示例批次熟悉操作。'),
    demoTitle: m('载入示例批次'),
    demoText: m('2026 年申报评审示例：9 个虚构园区（来自 7 个地级市，含广州 3 个申报以体现名额限制）、7 位评审专家、默认 100 分评分细则和实地考察清单。'),
    createTitle: m('创建评审批次'),
    createText: m('为新的年度创建批次。批次创建后处于草稿状态，可以登记申报和专家。'),
    year: m('年份'),
    kind: m('批次类型'),
    designation: m('申报评审'),
    annual: m('年度考核'),
    create: m('创建批次'),
    importTitle: m('导入评审包或考察包'),
    importText: m('评审专家请选择秘书处交给你的评审包（.prpkg），考察组请选择考察包（.prinsp）。导入后即可在本机离线评审或记录实地考察。'),
    choose: m('选择评审包…'),
    noRound: m('尚无批次'),
    ranking: m('综合评分与排名'),
  },
}
