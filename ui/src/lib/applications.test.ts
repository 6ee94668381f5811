import { describe, expect, it } from 'vitest'
import type { ApplicationSummary } from '../ipc'
import { distinctCities, filterApplications, formatArea, formatTimestamp, fullTimestamp } from './applications'

function app(code: string, park_name: string, city: string, management_body = ''): ApplicationSummary {
  return {
    id: 1, uid: code, round_id: 1, code, park_name, city, city_code: '', district: '',
    management_body, city_recommendation_rank: 1, planned_area_mu: 300, n_enterprises: 3,
    registration_order: 1,
  }
}

const apps = [
  app('2026-GZ-01', '广州南沙人工智能产业园', '广州市', '南沙管委会'),
  app('2026-GZ-02', '广州黄埔智能装备与人工智能产业园', '广州市'),
  app('2026-SG-01', '韶关芙蓉新城人工智能产业园', '韶关市'),
]

describe('filterApplications', () => {
  it('matches park name, code or management body, case-insensitively', () => {
    expect(filterApplications(apps, '黄埔', null).map((a) => a.code)).toEqual(['2026-GZ-02'])
    expect(filterApplications(apps, '2026-sg', null).map((a) => a.code)).toEqual(['2026-SG-01'])
    expect(filterApplications(apps, '管委会', null).map((a) => a.code)).toEqual(['2026-GZ-01'])
  })

  it('combines the query with the city filter', () => {
    expect(filterApplications(apps, '', '广州市')).toHaveLength(2)
    expect(filterApplications(apps, '韶关', '广州市')).toHaveLength(0)
    expect(filterApplications(apps, '  ', null)).toHaveLength(3)
  })
})

describe('figures', () => {
  it('lists cities once, in order', () => {
    expect(distinctCities(apps)).toEqual(['广州市', '韶关市'])
  })

  it('formats areas without float noise', () => {
    expect(formatArea(298.5)).toBe('298.5')
    expect(formatArea(1260)).toBe('1,260')
    expect(formatArea(1260.25, 'en')).toBe('1,260.3')
    expect(formatArea(1260.25, 'de')).toBe('1.260,3')
    expect(formatArea(299.94999999)).toBe('299.9')
  })

})

describe('formatTimestamp', () => {
  it('shows local time with its offset', () => {
    expect(formatTimestamp('2026-11-27T09:30:00+08:00')).toBe('2026-11-27 09:30')
    expect(formatTimestamp('2026-11-27T01:30:45Z')).toBe('2026-11-27 01:30')
    expect(formatTimestamp('not a time')).toBe('not a time')
    expect(fullTimestamp('2026-11-27T09:30:00+08:00')).toBe('2026-11-27 09:30:00 +08:00')
    expect(fullTimestamp('2026-11-27T01:30:00Z')).toBe('2026-11-27 01:30:00 +00:00')
  })
})
