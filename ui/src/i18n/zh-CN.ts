import publicationZh from './publication.zh-CN'
import panelZh from './panel.zh-CN'
import demoZh from './demo.zh-CN'
import aboutZh from './about.zh-CN'
import backupZh from './backup.zh-CN'
import auditZh from './audit.zh-CN'
import inspectionZh from './inspection.zh-CN'
import exchangeZh from './exchange.zh-CN'
import signingZh from './signing.zh-CN'
import reviewZh from './review.zh-CN'
import coreZh from './core.zh-CN'
// Simplified Chinese: the product's language. Terms follow the glossary in ARCHITECTURE.md.
// Each file is precompiled at build time (@intlify/unplugin-vue-i18n, vite.config.ts): the app
// ships vue-i18n's runtime without its message compiler, and no message is compiled on screen.
export default {
  ...backupZh,
  ...publicationZh,
  ...panelZh,
  ...demoZh,
  ...aboutZh,
  ...auditZh,
  ...reviewZh,
  ...signingZh,
  ...exchangeZh,
  ...inspectionZh,
  ...coreZh,
}
