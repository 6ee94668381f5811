import publicationEn from './publication.en'
import panelEn from './panel.en'
import demoEn from './demo.en'
import aboutEn from './about.en'
import backupEn from './backup.en'
import auditEn from './audit.en'
import inspectionEn from './inspection.en'
import exchangeEn from './exchange.en'
import signingEn from './signing.en'
import reviewEn from './review.en'
import coreEn from './core.en'
// English: the second language, for reviewers and auditors who do not read Chinese.
import type zh from './zh-CN'

// Typed as the Chinese: a message missing here does not compile.
const en: typeof zh = {
  ...backupEn,
  ...publicationEn,
  ...panelEn,
  ...demoEn,
  ...aboutEn,
  ...auditEn,
  ...reviewEn,
  ...signingEn,
  ...exchangeEn,
  ...inspectionEn,
  ...coreEn,
}

export default en
