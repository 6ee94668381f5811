import { createRouter, createWebHashHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'
import ApplicationsView from './views/ApplicationsView.vue'
import ExpertsView from './views/ExpertsView.vue'
import EligibilityView from './views/EligibilityView.vue'
import InspectionsView from './views/InspectionsView.vue'
import VisitView from './views/VisitView.vue'
import RubricView from './views/RubricView.vue'
import AssignmentView from './views/AssignmentView.vue'
import MyReviewsView from './views/MyReviewsView.vue'
import WorkspaceView from './views/WorkspaceView.vue'
import VerifyView from './views/VerifyView.vue'
import ExchangeView from './views/ExchangeView.vue'
import SettingsView from './views/SettingsView.vue'
import PublicationView from './views/PublicationView.vue'
import RegisterView from './views/RegisterView.vue'
import PanelView from './views/PanelView.vue'

// Hash history: the app is served from a custom protocol, where path URLs cannot be deep-linked.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    { path: '/applications', name: 'applications', component: ApplicationsView },
    { path: '/eligibility', name: 'eligibility', component: EligibilityView },
    { path: '/experts', name: 'experts', component: ExpertsView },
    { path: '/rubric', name: 'rubric', component: RubricView },
    { path: '/assignment', name: 'assignment', component: AssignmentView },
    { path: '/verify', name: 'verify', component: VerifyView },
    { path: '/settings', name: 'settings', component: SettingsView },
    { path: '/panel', name: 'panel', component: PanelView },
    { path: '/publication', name: 'publication', component: PublicationView },
    { path: '/parks', name: 'parks', component: RegisterView },
    { path: '/exchange', name: 'exchange', component: ExchangeView },
    { path: '/ranking', name: 'ranking', component: () => import('./views/RankingView.vue') },
    { path: '/my-reviews', name: 'my-reviews', component: MyReviewsView },
    { path: '/my-reviews/:application', name: 'workspace', component: WorkspaceView, props: true },
    { path: '/paper-entry/:expert/:application', name: 'paper-entry', component: WorkspaceView, props: true },
    { path: '/inspections', name: 'inspections', component: InspectionsView },
    { path: '/inspections/:application', name: 'visit', component: VisitView, props: true },
  ],
})
