import { randomBytes } from 'node:crypto'

export function newSecretTokenForTests(): string {
  return randomBytes(18).toString('base64url')
}
