import { createRouter, createWebHashHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'

// Every view but the home page is loaded with its route: nothing is parsed before the first
// screen that the first screen does not show.
// Hash history: the app is served from a custom protocol, where path URLs cannot be deep-linked.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    { path: '/applications', name: 'applications', component: () => import('./views/ApplicationsView.vue') },
    { path: '/eligibility', name: 'eligibility', component: () => import('./views/EligibilityView.vue') },
    { path: '/experts', name: 'experts', component: () => import('./views/ExpertsView.vue') },
    { path: '/rubric', name: 'rubric', component: () => import('./views/RubricView.vue') },
    { path: '/assignment', name: 'assignment', component: () => import('./views/AssignmentView.vue') },
    { path: '/verify', name: 'verify', component: () => import('./views/VerifyView.vue'), meta: { round: false } },
    { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { round: false } },
    { path: '/panel', name: 'panel', component: () => import('./views/PanelView.vue') },
    { path: '/publication', name: 'publication', component: () => import('./views/PublicationView.vue') },
    { path: '/parks', name: 'parks', component: () => import('./views/RegisterView.vue'), meta: { round: false } },
    { path: '/exchange', name: 'exchange', component: () => import('./views/ExchangeView.vue') },
    { path: '/ranking', name: 'ranking', component: () => import('./views/RankingView.vue') },
    { path: '/my-reviews', name: 'my-reviews', component: () => import('./views/MyReviewsView.vue') },
    { path: '/my-reviews/:application', name: 'workspace', component: () => import('./views/WorkspaceView.vue'), props: true },
    { path: '/paper-entry/:expert/:application', name: 'paper-entry', component: () => import('./views/WorkspaceView.vue'), props: true },
    { path: '/inspections', name: 'inspections', component: () => import('./views/InspectionsView.vue') },
    { path: '/inspections/:application', name: 'visit', component: () => import('./views/VisitView.vue'), props: true },
  ],
})
