import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

/**
 * The data folder holds the books, the API token, the friend-pay proof key and the simulator's secret: only the
 * user running the engine may read it. The folder is made (or tightened to) 0700.
 */
export function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  chmodSync(folder, 0o700)
}

/**
 * A database file readable by its owner only (0600), made so before SQLite opens it: SQLite gives the -wal and
 * -shm files it creates the database file's permissions. Files left by an older version are tightened too.
 */
export function ensurePrivateDatabaseFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600)
}
