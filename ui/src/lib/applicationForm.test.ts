import { describe, expect, it } from 'vitest'
import { emptyApplication, suggestCode } from './applicationForm'

describe('application form', () => {
  it('suggests the conventional code', () => {
    expect(suggestCode(2026, 'GZ', 1)).toBe('2026-GZ-01')
    expect(suggestCode(2026, 'SG', 12)).toBe('2026-SG-12')
  })

  it('starts from a record with every list empty and every fact unset', () => {
    const app = emptyApplication()
    expect(app.enterprises).toEqual([])
    expect(app.eia_approved).toBe(false)
    expect(app.city_policy_status).toBe('none')
  })
})
