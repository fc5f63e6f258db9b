import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { EngineError } from '../shared/errors'

/**
 * Encrypts wallet secrets at rest. The desktop app uses the OS keychain (Electron safeStorage); headless
 * mode uses a key file the operator opted into. Without one, secrets cannot be stored at all.
 */
export interface SecretBox {
  readonly kind: 'safe-storage' | 'key-file'
  encrypt(plain: string): Buffer
  decrypt(blob: Buffer): string
}

const VERSION = 1

/** AES-256-GCM with a 32-byte key from a file only its owner can read (mode 0600), created on first use. */
export function createKeyFileSecretBox(file: string): SecretBox {
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new EngineError('SECRETS_UNAVAILABLE', `the key file ${file} is readable by others: chmod 600 it`)
  }
  chmodSync(file, 0o600)
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
  if (key.length !== 32)
    throw new EngineError('SECRETS_UNAVAILABLE', `the key file ${file} must hold 32 random bytes (base64)`)
  return {
    kind: 'key-file',
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body])
    },
    decrypt(blob) {
      if (blob[0] !== VERSION) throw new EngineError('SECRETS_UNAVAILABLE', 'unknown secret format')
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13))
      decipher.setAuthTag(blob.subarray(13, 29))
      return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8')
    },
  }
}
