// Opening a round (开始评审), from the rubric page or the home page's next step: the warning
// names every application that has not passed the formal review, since opening makes them
// assignable and the experts would score them.
import { h, type Ref } from 'vue'
import { api, type Eligibility, type Round } from '../ipc'
import { i18n } from '../i18n'
import { confirmed, runAction } from './action'
import { say } from './notify'

/** The applications whose formal review has not passed (待补正 or 不通过). */
export function notPassed(review: Eligibility[]): Eligibility[] {
  return review.filter((e) => e.result !== 'pass')
}

export async function openRoundChecked(round: Round, busy: Ref<boolean>): Promise<boolean> {
  const t = i18n.global.t
  let pending: Eligibility[] = []
  try {
    pending = notPassed(await api.eligibility(round.id))
  } catch {
    // A round without a formal review (none applies) opens with the plain confirmation.
  }
  const message = pending.length
    ? h('div', { 'data-testid': 'open-pending' }, [
        h('p', { class: 'open-warning' }, t('rubric.openPending', { n: pending.length })),
        h(
          'ul',
          { class: 'open-list' },
          pending.map((e) => h('li', `${e.code} ${e.park_name}（${t(`eligibility.${e.result}`)}）`)),
        ),
        h('p', t('rubric.openConfirm')),
      ])
    : t('rubric.openConfirm')
  if (!(await confirmed(message, t('rubric.openTitle'), pending.length ? t('rubric.openAnyway') : t('rubric.openAction')))) return false
  return runAction(busy, async () => {
    const opened = await api.openRound(round.id)
    say({ type: 'success', message: t('rubric.opened', { sha: opened.rubric_sha256.slice(0, 16) }) })
  })
}
