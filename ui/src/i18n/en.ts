// English: the second language, for reviewers and auditors who do not read Chinese.
import type zh from './zh-CN'

const en: typeof zh = {
  app: {
    title: 'Guangdong AI Industrial Park Review',
    shortTitle: 'Park Review',
    language: 'Language',
    round: 'Round',
    noRound: 'No round yet',
    dbPath: 'Database: {path}',
  },
  nav: {
    secretariat: 'Secretariat',
    expert: 'Expert',
    inspection: 'Site inspection',
    home: 'Home',
    applications: 'Applications',
    experts: 'Experts',
    myReviews: 'My reviews',
    inspections: 'Inspections',
  },
  kind: { designation: 'Designation review', annual_assessment: 'Annual assessment' },
  status: { draft: 'Draft', open: 'Open', closed: 'Closed' },
  firstRun: {
    welcome: 'Welcome to Park Review',
    intro:
      'Park Review runs offline on this computer and keeps all data in a local database. To begin, create a review round or load the demo round.',
    demoTitle: 'Load the demo round',
    demoText:
      'A 2026 designation round: 9 fictional parks from 7 cities (three from Guangzhou, so the quota applies), 7 experts, the default 100-point rubric and the site checklist.',
    demoAction: 'Load demo round',
    demoLoading: 'Loading the demo round…',
    demoDone: 'Demo round loaded: {apps} applications, {experts} experts',
    createTitle: 'Create a review round',
    createText: 'A new round starts as a draft: register applications and experts, then open it.',
    year: 'Year',
    kind: 'Kind',
    createAction: 'Create round',
    created: 'Round {code} created',
  },
  home: {
    roundInfo: 'Round',
    code: 'Code',
    createdAt: 'Created',
    applications: 'Applications',
    cities: 'Cities',
    experts: 'Experts',
    criteria: 'Criteria',
    process: 'Review process',
    steps: {
      register: 'Register',
      eligibility: 'Eligibility',
      assign: 'Assign experts',
      score: 'Scoring',
      inspect: 'Site inspection',
      rank: 'Ranking',
    },
    viewApplications: 'View applications',
    viewExperts: 'View experts',
    newRound: 'New round',
  },
  applications: {
    title: 'Applications',
    subtitle: '{round} · {n} applications',
    search: 'Search park, code or management body',
    cityFilter: 'Filter by city',
    allCities: 'All cities',
    code: 'Code',
    parkName: 'Park',
    city: 'City',
    district: 'District',
    managementBody: 'Management body',
    rank: 'City rank',
    area: 'Planned area (mu)',
    enterprises: 'Enterprises',
    empty: 'This round has no applications yet.',
    emptyHint:
      'Registering and importing applications (form, JSON, Excel) comes in the next version; load the demo round from Home to try the product.',
    noMatch: 'No application matches; change the search or the city filter.',
  },
  experts: {
    title: 'Experts',
    subtitle: '{round} · {n} experts',
    code: 'Code',
    name: 'Name',
    employer: 'Employer',
    city: 'City',
    field: 'Field',
    outsideProvince: 'Outside Guangdong',
    empty: 'This round has no experts yet.',
    emptyHint: 'Registering experts comes in the next version; load the demo round from Home to try the product.',
  },
  comingSoon: {
    title: 'This part is being built',
    myReviews:
      'Experts will see their assigned applications here, sign the no-conflict pledge, score against the rubric and export signed scoring sheets. Coming in a later version.',
    inspections:
      'Inspection teams will record each checklist item with notes and photos here and sign the record. Coming in a later version.',
  },
  errors: {
    title: 'Something went wrong',
    code: 'Error code',
    dbTitle: 'Cannot open the database',
    dbHint:
      'The file was not changed. Fix the cause and restart, or point PARK_REVIEW_DB at another database file.',
    retry: 'Retry',
  },
  common: { loading: 'Loading…', refresh: 'Refresh' },
}

export default en
