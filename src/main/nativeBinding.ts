import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { App } from 'electron'

/**
 * better-sqlite3 must be built for Electron's ABI, while tests and `npm run serve` use the Node build
 * in node_modules. The Electron build lives apart: in .electron-native/ during development (made by
 * `npm start`), in the app's resources when packaged.
 */
export function electronSqliteBindingPath(
  app: Pick<App, 'isPackaged' | 'getAppPath'>,
  resourcesPath: string = process.resourcesPath,
): string {
  return app.isPackaged
    ? join(resourcesPath, 'native', 'better_sqlite3.node')
    : join(app.getAppPath(), '.electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
}

/** The Electron build of the SQLite driver, or an error saying how to make it. */
export function electronSqliteBinding(
  app: Pick<App, 'isPackaged' | 'getAppPath'>,
  resourcesPath: string = process.resourcesPath,
): string {
  const file = electronSqliteBindingPath(app, resourcesPath)
  if (!existsSync(file)) {
    throw new Error(`the SQLite driver for Electron is missing (${file}); run "npm start" to build it`)
  }
  return file
}
