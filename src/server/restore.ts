/**
 * `npm run restore -- <backup file>`: checks a backup and stages it; the next start of the app (desktop or
 * headless) puts it in place of the books, keeping the replaced files beside them. Safe while the app runs.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { stageRestore } from '../engine/backup/backups'
import { EngineError } from '../shared/errors'

function main(): void {
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('--'))
  if (!file) {
    console.error('usage: npm run restore -- <backup file>   (HUTONG_DATA_DIR: the data folder, as for serve)')
    process.exit(2)
  }
  const dataDir = resolve(process.env.HUTONG_DATA_DIR?.trim() || join(homedir(), '.hutong-checkout'))
  try {
    const checked = stageRestore(dataDir, resolve(file))
    console.log(`Backup checked: intact, ${checked.orders} orders (schema ${checked.schemaVersion}).`)
    console.log(`Staged in ${dataDir}: the next start of Hutong Checkout restores it.`)
    console.log('The books it replaces are kept beside them (hutong.sqlite.replaced-<time>).')
  } catch (error) {
    const message = error instanceof EngineError || error instanceof Error ? error.message : String(error)
    console.error(`Not restored: ${message}`)
    process.exit(1)
  }
}

main()
