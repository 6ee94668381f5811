// Pure helpers for the formal-review views.
import type { Eligibility, RuleResult } from '../ipc'

/** Element Plus tag type for a result: green pass, red fail, amber needs review. */
export function resultTagType(result: RuleResult): 'success' | 'danger' | 'warning' {
  return result === 'pass' ? 'success' : result === 'fail' ? 'danger' : 'warning'
}

/** How many applications have each overall result. */
export function countResults(review: Eligibility[]): Record<RuleResult, number> {
  const counts: Record<RuleResult, number> = { pass: 0, fail: 0, needs_review: 0 }
  for (const app of review) counts[app.result]++
  return counts
}

/** Filters by overall result and city (null = all). */
export function filterReview(review: Eligibility[], result: RuleResult | null, city: string | null): Eligibility[] {
  return review.filter((app) => (!result || app.result === result) && (!city || app.city === city))
}
