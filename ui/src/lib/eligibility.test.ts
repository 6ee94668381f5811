import { describe, expect, it } from 'vitest'
import type { Eligibility, RuleResult } from '../ipc'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { MATERIALS, countResults, filterReview, resultTagType } from './eligibility'

const app = (code: string, city: string, result: RuleResult): Eligibility => ({
  code, park_name: code, city, result, rules: [], discrepancies: [], recommendation: null, letter_attached: false, materials: {},
})

const review = [app('A', '广州市', 'fail'), app('B', '广州市', 'pass'), app('C', '韶关市', 'needs_review'), app('D', '韶关市', 'fail')]

describe('formal review helpers', () => {
  it('colours results', () => {
    expect(resultTagType('pass')).toBe('success')
    expect(resultTagType('fail')).toBe('danger')
    expect(resultTagType('needs_review')).toBe('warning')
  })

  it('counts overall results', () => {
    expect(countResults(review)).toEqual({ pass: 1, fail: 2, needs_review: 1 })
  })

  it('filters by result and city together', () => {
    expect(filterReview(review, 'fail', null).map((a) => a.code)).toEqual(['A', 'D'])
    expect(filterReview(review, 'fail', '韶关市').map((a) => a.code)).toEqual(['D'])
    expect(filterReview(review, null, null)).toHaveLength(4)
  })
})

describe('P4 materials', () => {
  it('are named in the guide’s own words', () => {
    const squeeze = (text: string) => text.replace(/\s/g, '')
    const guide = squeeze(readFileSync(resolve(process.cwd(), '..', 'assets', 'guide', '申报指南.txt'), 'utf8'))
    expect(MATERIALS.map((m) => m.n)).toEqual([1, 2, 3])
    for (const m of MATERIALS) expect(guide).toContain(squeeze(`（${m.n}）${m.name}`))
  })
})
