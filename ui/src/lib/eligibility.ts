// Pure helpers for the formal-review views.
import type { Eligibility, Material, RuleResult } from '../ipc'

/** P4's three materials, numbered as in the guide (一.(二).4), named in the guide's own words
 * (a test compares them with the published guide, as the domain's test does for its copy). */
export const MATERIALS: { id: Material; n: number; name: string }[] = [
  { id: 'application_form', n: 1, name: '广东省人工智能产业园区申报材料（见附件2）' },
  { id: 'policy_documents', n: 2, name: '申报单位所在地政府出台或正在出台促进人工智能产业发展政策措施和资金扶持的有关文件' },
  { id: 'supporting', n: 3, name: '相关辅助材料及其他需要详细说明的事项' },
]

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
