// The home page's next step: where the round stands in the review process, the one action
// that moves it on, and what blocks the stage after it — said from the round's own data.

export type StepName = 'register' | 'eligibility' | 'assign' | 'score' | 'inspect' | 'rank'
export const STEPS: StepName[] = ['register', 'eligibility', 'assign', 'score', 'inspect', 'rank']

export interface RoundState {
  status: 'draft' | 'open' | 'closed'
  applications: number
  /** Applications whose formal review is 待补正. */
  needsReview: number
  /** Applications whose formal review is 不通过. */
  failed: number
  experts: number
  rubricProblems: number
  assignments: number
  submitted: number
  finalised: boolean
}

/** `to` is a route; 'open-round' is the action of opening the round itself (开始评审). */
export interface NextStep {
  step: number
  action: { label: string; to: string | 'open-round' }
  /** i18n keys with their values: what stands between this stage and the next. */
  blockers: Array<{ key: string; n?: number }>
}

export function nextStep(s: RoundState): NextStep {
  const at = (name: StepName) => STEPS.indexOf(name)
  const formal = [
    ...(s.needsReview ? [{ key: 'home.blockers.needsReview', n: s.needsReview }] : []),
    ...(s.failed ? [{ key: 'home.blockers.failed', n: s.failed }] : []),
  ]
  if (s.applications === 0)
    return { step: at('register'), action: { label: 'home.next.register', to: '/applications' }, blockers: [{ key: 'home.blockers.noApplications' }] }
  if (s.status === 'draft') {
    if (formal.length && s.assignments === 0)
      return { step: at('eligibility'), action: { label: 'home.next.eligibility', to: '/eligibility' }, blockers: formal }
    if (s.experts === 0)
      return { step: at('assign'), action: { label: 'home.next.experts', to: '/experts' }, blockers: [{ key: 'home.blockers.noExperts' }] }
    if (s.rubricProblems)
      return { step: at('assign'), action: { label: 'home.next.rubric', to: '/rubric' }, blockers: [{ key: 'home.blockers.rubric', n: s.rubricProblems }] }
    if (s.assignments === 0)
      return { step: at('assign'), action: { label: 'home.next.assign', to: '/assignment' }, blockers: [{ key: 'home.blockers.noAssignments' }] }
    return { step: at('assign'), action: { label: 'home.next.open', to: 'open-round' }, blockers: [{ key: 'home.blockers.draft' }, ...formal] }
  }
  if (s.status === 'open') {
    if (s.assignments === 0)
      return { step: at('assign'), action: { label: 'home.next.assign', to: '/assignment' }, blockers: [{ key: 'home.blockers.noAssignments' }] }
    if (s.submitted < s.assignments)
      return {
        step: at('score'),
        action: { label: 'home.next.packages', to: '/exchange' },
        blockers: [{ key: 'home.blockers.unsubmitted', n: s.assignments - s.submitted }],
      }
    if (!s.finalised)
      return { step: at('rank'), action: { label: 'home.next.rank', to: '/ranking' }, blockers: [{ key: 'home.blockers.notFinalised' }] }
    return { step: at('rank') + 1, action: { label: 'home.next.publish', to: '/publication' }, blockers: [] }
  }
  return { step: STEPS.length, action: { label: 'home.next.ranking', to: '/ranking' }, blockers: [] }
}
