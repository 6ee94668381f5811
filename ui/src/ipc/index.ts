// The only module that knows @tauri-apps/*. Everything else imports `api` and the generated
// types from here, so the webview's plumbing can change without touching a view.
//
// Every command's arguments and result are typed with the bindings that ts-rs generates from
// the Rust types (ui/src/ipc/bindings, committed; `make check-bindings` fails on drift).
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'

import type { AppInfo } from './bindings/AppInfo'
import type { CityInfo } from './bindings/CityInfo'
import type { ApplicationRecord } from './bindings/ApplicationRecord'
import type { Attachment } from './bindings/Attachment'
import type { ApplicationSummary } from './bindings/ApplicationSummary'
import type { DemoLoaded } from './bindings/DemoLoaded'
import type { Eligibility } from './bindings/Eligibility'
import type { ExportedFile } from './bindings/ExportedFile'
import type { RuleId } from './bindings/RuleId'
import type { RuleOutcome } from './bindings/RuleOutcome'
import type { RuleResult } from './bindings/RuleResult'
import type { ErrorCode } from './bindings/ErrorCode'
import type { Expert } from './bindings/Expert'
import type { Round } from './bindings/Round'
import type { RoundKind } from './bindings/RoundKind'
import type { Status } from './bindings/Status'
import type { StoreChanged } from './bindings/StoreChanged'

export type {
  AppInfo,
  ApplicationRecord,
  ApplicationSummary,
  Attachment,
  CityInfo,
  DemoLoaded,
  Eligibility,
  ErrorCode,
  Expert,
  ExportedFile,
  Round,
  RoundKind,
  RuleId,
  RuleOutcome,
  RuleResult,
  Status,
}

/** An error from a command: a stable code to branch on, and a Chinese message to show. */
export class AppError extends Error {
  readonly code: ErrorCode | 'IPC_FAILURE'

  constructor(code: ErrorCode | 'IPC_FAILURE', message: string) {
    super(message)
    this.code = code
    this.name = 'AppError'
  }
}

/** Turns whatever `invoke` rejected with into an AppError. Commands reject with `{code, message}`;
 * anything else is a failure of the bridge itself (a missing command, a bad argument). */
export function toAppError(raw: unknown): AppError {
  if (raw instanceof AppError) return raw
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
    const { code, message } = raw as { code: ErrorCode; message: string }
    return new AppError(code, String(message))
  }
  const detail = raw instanceof Error ? raw.message : String(raw)
  return new AppError('IPC_FAILURE', `与程序后台通信失败：${detail}`)
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (raw) {
    throw toAppError(raw)
  }
}

async function callRaw<T>(command: string, body: Uint8Array, headers: Record<string, string>): Promise<T> {
  try {
    return await invoke<T>(command, body, { headers })
  } catch (raw) {
    throw toAppError(raw)
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  status: () => call<Status>('status'),
  listRounds: () => call<Round[]>('list_rounds'),
  createRound: (year: number, kind: RoundKind) => call<Round>('create_round', { year, kind }),
  loadDemo: () => call<DemoLoaded>('load_demo'),
  listApplications: (roundId: number) => call<ApplicationSummary[]>('list_applications', { roundId }),
  listPanel: (roundId: number) => call<Expert[]>('list_panel', { roundId }),
  applicationRecord: (roundId: number, code: string) =>
    call<ApplicationRecord>('application_record', { roundId, code }),
  importApplications: (roundId: number, fileName: string, bytes: Uint8Array) =>
    call<number>('import_applications', { roundId, fileName, bytes: Array.from(bytes) }),
  listAttachments: (roundId: number, code: string) => call<Attachment[]>('list_attachments', { roundId, code }),
  /** Sends the file as a raw body (large scans stay cheap); the rest travels in headers. */
  addAttachment: (roundId: number, code: string, clause: string, fileName: string, bytes: Uint8Array) =>
    callRaw<Attachment>('add_attachment', bytes, {
      'x-round-id': String(roundId),
      'x-code': encodeURIComponent(code),
      'x-clause': encodeURIComponent(clause),
      'x-file-name': encodeURIComponent(fileName),
    }),
  /** The file's bytes, verified by the Rust side against the SHA-256 recorded when it was added. */
  readAttachment: (uid: string) => call<ArrayBuffer>('read_attachment', { uid }),
  listCities: () => call<CityInfo[]>('list_cities'),
  createApplication: (roundId: number, record: ApplicationRecord) =>
    call<null>('create_application', { roundId, record }),
  updateApplication: (roundId: number, code: string, record: ApplicationRecord) =>
    call<null>('update_application', { roundId, code, record }),
  eligibility: (roundId: number) => call<Eligibility[]>('eligibility', { roundId }),
  /** Saves applications (`xlsx`/`json`) or the empty Excel template; resolves to the path. */
  exportApplications: (roundId: number, format: 'xlsx' | 'json' | 'template') =>
    call<string>('export_applications', { roundId, format }),
  exportEligibilityPdf: (roundId: number) => call<ExportedFile>('export_eligibility_pdf', { roundId }),
  overrideRule: (roundId: number, applicationCode: string, rule: RuleId, result: RuleResult, reason: string) =>
    call<null>('override_rule', { roundId, applicationCode, rule, result, reason }),
  checkDocuments: (roundId: number, applicationCode: string, rule: RuleId, note: string) =>
    call<null>('check_documents', { roundId, applicationCode, rule, note }),
}

/** Calls `handler` whenever the Rust side reports a committed change. */
export function onStoreChanged(handler: (change: StoreChanged) => void): Promise<UnlistenFn> {
  return listen<StoreChanged>('store-changed', (event) => handler(event.payload))
}
