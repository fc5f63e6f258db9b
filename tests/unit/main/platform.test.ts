import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SafeStorage } from 'electron'
import { describe, expect, it } from 'vitest'
import { electronSqliteBinding, electronSqliteBindingPath } from '../../../src/main/nativeBinding'
import { safeStorageSecretBox } from '../../../src/main/safeStorageBox'

describe("Electron's SQLite driver", () => {
  it('is the one npm start builds while developing, and the one in the resources when packaged', () => {
    expect(electronSqliteBindingPath({ isPackaged: false, getAppPath: () => '/src/app' }, '/unused')).toBe(
      join('/src/app', '.electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    )
    expect(electronSqliteBindingPath({ isPackaged: true, getAppPath: () => '/unused' }, '/opt/app/resources')).toBe(
      join('/opt/app/resources', 'native', 'better_sqlite3.node'),
    )
  })

  it('says how to build it when it is missing, and is used when present', () => {
    const appPath = mkdtempSync(join(tmpdir(), 'hutong-native-'))
    try {
      const app = { isPackaged: false, getAppPath: () => appPath }
      expect(() => electronSqliteBinding(app)).toThrow(/SQLite driver for Electron is missing .*run "npm start"/)
      const file = electronSqliteBindingPath(app)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, '')
      expect(electronSqliteBinding(app)).toBe(file)
    } finally {
      rmSync(appPath, { recursive: true, force: true })
    }
  })
})

describe('wallet secrets in the OS keychain', () => {
  const keychain = (available: boolean, backend: string) =>
    ({
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend,
      encryptString: (plain: string) => Buffer.from(`sealed:${plain}`),
      decryptString: (blob: Buffer) => blob.toString().replace(/^sealed:/, ''),
    }) as unknown as SafeStorage

  it('are sealed and opened by the keychain when one is available', () => {
    const box = safeStorageSecretBox(keychain(true, 'gnome_libsecret'), 'linux')
    expect(box?.kind).toBe('safe-storage')
    expect(box!.encrypt('apiv3-key').toString()).toBe('sealed:apiv3-key')
    expect(box!.decrypt(Buffer.from('sealed:apiv3-key'))).toBe('apiv3-key')
    expect(safeStorageSecretBox(keychain(true, 'unknown'), 'win32')?.kind).toBe('safe-storage')
  })

  it('are refused without a keychain, and on Linux when Electron would fall back to its hard-coded key', () => {
    expect(safeStorageSecretBox(keychain(false, 'gnome_libsecret'), 'linux')).toBeNull()
    expect(safeStorageSecretBox(keychain(true, 'basic_text'), 'linux')).toBeNull()
  })
})
