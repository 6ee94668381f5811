import { describe, expect, it } from 'vitest'
import { emptyApplication, formProblems, locateField, suggestCode } from './applicationForm'

const say = (key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key)

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

  it('names every required field of an empty form, by the field', () => {
    expect(formProblems(emptyApplication(), say).map((p) => p.field)).toEqual(['city', 'code', 'park_name'])
  })

  it('refuses a negative area and output instead of making them 0', () => {
    const app = { ...emptyApplication(), city: '广州市', code: '2027-GZ-01', park_name: '园' }
    app.planned_area_mu = -5
    app.enterprises = [{ name: '甲', credit_code: '', ai_output_wan_yuan: -1 }]
    const problems = formProblems(app, say)
    expect(problems.map((p) => p.field)).toEqual(['planned_area_mu', 'enterprises[0].ai_output_wan_yuan'])
    expect(problems[0].message).toContain('-5')
  })

  it('places a field on its tab, with the row of a list', () => {
    expect(locateField('park_name')).toEqual({ tab: 'basics', label: 'form.fields.park_name' })
    expect(locateField('planned_area_mu').tab).toBe('conditions')
    expect(locateField('enterprises[2].credit_code')).toEqual({ tab: 'enterprises', label: 'form.fields.enterprises.credit_code', row: 2 })
    expect(locateField('service_platforms[0].name').tab).toBe('services')
    expect(locateField('rnd_cooperations[1].partner').tab).toBe('innovation')
  })
})
