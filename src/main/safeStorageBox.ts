import type { SafeStorage } from 'electron'
import type { SecretBox } from '../engine/secrets'

/**
 * Wallet secrets encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet). On Linux without a
 * keyring Electron falls back to a hard-coded key ("basic_text"): that is no protection, so secrets are
 * then refused rather than stored.
 */
export function safeStorageSecretBox(
  safeStorage: Pick<
    SafeStorage,
    'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
  >,
  platform: NodeJS.Platform = process.platform,
): SecretBox | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null
  return {
    kind: 'safe-storage',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (blob) => safeStorage.decryptString(blob),
  }
}
