import { isAbsolute, join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import type { Clock } from '../clock'
import { appendAudit } from '../config/audit'
import type { EventLog } from '../events/log'
import { getSetting, setSetting } from '../store/settings'
import { backUp, listBackups, rotateBackups, stageRestore, type BackupFile } from './backups'

export interface BackupSettings {
  /** Where backups go: a folder the merchant chooses (another disk, a synced folder). */
  folder: string
  /** A backup is taken when the newest is this old; 0 takes none on a timer (shutdown still takes one). */
  everyHours: number
}

export interface BackupServiceDeps {
  db: Database
  events: EventLog
  clock: Clock
  dataDir: string
  nativeBinding?: string
}

const FOLDER_KEY = 'backup.folder'
const HOURS_KEY = 'backup.every_hours'
export const DEFAULT_BACKUP_HOURS = 6

/** Online backups of the merchant's books: on a schedule, at shutdown and on request; rotated; restorable. */
export function createBackupService(deps: BackupServiceDeps) {
  const { db, events, clock, dataDir } = deps

  function settings(): BackupSettings {
    return {
      folder: getSetting(db, FOLDER_KEY) ?? join(dataDir, 'backups'),
      everyHours: Number(getSetting(db, HOURS_KEY) ?? DEFAULT_BACKUP_HOURS),
    }
  }

  // One backup at a time: a request while one is being taken gets that one.
  let running: Promise<BackupFile> | null = null
  const takeAndRotate = async (): Promise<BackupFile> => {
    const { folder } = settings()
    const taken = await backUp(db, folder, clock, deps.nativeBinding)
    rotateBackups(folder)
    return taken
  }
  const run = (): Promise<BackupFile> =>
    (running ??= takeAndRotate().finally(() => {
      running = null
    }))

  return {
    settings,
    run,
    list: () => ({ ...settings(), backups: listBackups(settings().folder) }),
    configure(next: BackupSettings): BackupSettings {
      if (!isAbsolute(next.folder)) throw new EngineError('VALIDATION_FAILED', 'the backup folder is a full path')
      const before = settings()
      events.unitOfWork(() => {
        setSetting(db, FOLDER_KEY, next.folder)
        setSetting(db, HOURS_KEY, String(next.everyHours))
        appendAudit(db, { entity: 'backup', entityId: 'settings', before, after: next, at: clock.now() })
      })
      return settings()
    },
    /** Takes a backup when the newest one is older than the schedule asks (the timer calls this). */
    async runIfDue(): Promise<BackupFile | null> {
      const { folder, everyHours } = settings()
      if (everyHours <= 0) return null
      const newest = listBackups(folder)[0]
      if (newest && clock.now() - newest.takenAt < everyHours * 3600_000) return null
      return run()
    },
    /** Checks a backup from the folder and stages it for the next start. */
    restore(name: string): { name: string; orders: number } {
      const backup = listBackups(settings().folder).find((b) => b.name === name)
      if (!backup) throw new EngineError('NOT_FOUND', `no backup ${name} in the backup folder`)
      const checked = stageRestore(dataDir, backup.path, deps.nativeBinding)
      events.unitOfWork(() => {
        appendAudit(db, {
          entity: 'backup',
          entityId: name,
          before: null,
          after: { restoreStaged: true },
          at: clock.now(),
        })
      })
      return { name, orders: checked.orders }
    },
  }
}

export type BackupService = ReturnType<typeof createBackupService>
