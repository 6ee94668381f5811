import { describe, expect, it } from 'vitest'
import { nextStep, type RoundState } from './nextStep'

const fresh: RoundState = {
  status: 'draft', applications: 0, needsReview: 0, failed: 0, experts: 0, rubricProblems: 0, assignments: 0, submitted: 0, finalised: false,
}

describe('nextStep', () => {
  it('asks for applications first', () => {
    const n = nextStep(fresh)
    expect(n.action.to).toBe('/applications')
    expect(n.blockers).toEqual([{ key: 'home.blockers.noApplications' }])
  })

  it('names the formal review’s open cases before anything is assigned', () => {
    const n = nextStep({ ...fresh, applications: 9, needsReview: 5, failed: 1 })
    expect(n.step).toBe(1)
    expect(n.action.to).toBe('/eligibility')
    expect(n.blockers).toEqual([
      { key: 'home.blockers.needsReview', n: 5 },
      { key: 'home.blockers.failed', n: 1 },
    ])
  })

  it('walks a draft through experts, rubric and assignment to opening the round', () => {
    const ready = { ...fresh, applications: 9 }
    expect(nextStep(ready).action.to).toBe('/experts')
    expect(nextStep({ ...ready, experts: 7, rubricProblems: 1 }).action.to).toBe('/rubric')
    expect(nextStep({ ...ready, experts: 7 }).action.to).toBe('/assignment')
    const open = nextStep({ ...ready, experts: 7, assignments: 45, needsReview: 2 })
    expect(open.action.to).toBe('open-round')
    // Opening with applications still 待补正 is possible, and the page says so.
    expect(open.blockers).toContainEqual({ key: 'home.blockers.needsReview', n: 2 })
  })

  it('follows the scoring to the ranking and its publication', () => {
    const open = { ...fresh, status: 'open' as const, applications: 9, experts: 7, assignments: 45 }
    expect(nextStep({ ...open, submitted: 40 })).toMatchObject({ step: 3, blockers: [{ key: 'home.blockers.unsubmitted', n: 5 }] })
    expect(nextStep({ ...open, submitted: 45 }).action.to).toBe('/ranking')
    expect(nextStep({ ...open, submitted: 45, finalised: true }).action.to).toBe('/publication')
    expect(nextStep({ ...open, status: 'closed', submitted: 45, finalised: true }).step).toBe(6)
  })
})
