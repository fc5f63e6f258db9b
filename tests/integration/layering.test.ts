import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('the layering lint rule', () => {
  it.each([
    ['src/shared/money.ts', "import { createEngine } from '../engine'"],
    ['src/shared/money.ts', "import { readFileSync } from 'node:fs'"],
    ['src/engine/orders/service.ts', "import { startServer } from '../../server'"],
    ['src/engine/orders/service.ts', "import { app } from 'electron'"],
    ['src/server/app.ts', "import { registerIpc } from '../main/ipc'"],
    ['src/renderer/src/stores/cart.ts', "import { createEngine } from '../../../engine'"],
    ['src/renderer/src/stores/cart.ts', "import { ipcRenderer } from 'electron'"],
    ['src/preload/index.ts', "import { createEngine } from '../engine'"],
  ])('rejects %s importing %s', async (file, code) => {
    expect(await violations(file, `${code}\nexport {}\n`)).toHaveLength(1)
  })

  it.each([
    ['src/engine/orders/service.ts', "import { formatFen } from '../../shared/money'"],
    ['src/server/app.ts', "import { createEngine } from '../engine'"],
    ['src/main/index.ts', "import { startServer } from '../server'"],
    ['src/renderer/src/stores/cart.ts', "import { formatFen } from '../../../shared/money'"],
  ])('allows %s importing %s', async (file, code) => {
    expect(await violations(file, `${code}\nexport {}\n`)).toEqual([])
  })
})
