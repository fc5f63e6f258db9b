import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialog, IpcMain } from 'electron'
import { afterEach, describe, expect, it } from 'vitest'
import { CONSOLE_ENTRY_URL } from '../../src/main/consoleProtocol'
import { registerExportSaving, SAVE_EXPORT_CHANNEL } from '../../src/main/exports'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import type { Order } from '../../src/shared/api/types'
import { tempDir, testEngine } from '../support/engine'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

let t: ReturnType<typeof testEngine>
let folder: ReturnType<typeof tempDir>
afterEach(async () => {
  await t?.dispose()
  folder?.remove()
})

/** The desktop app's export channel on a real engine; Electron's IPC and save dialog are stand-ins. */
function desktop(answer: { canceled: boolean; filePath?: string }) {
  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  }
  const asked: string[] = []
  const dialog = {
    showSaveDialog: async (options: { defaultPath?: string }) => {
      asked.push(options.defaultPath ?? '')
      return answer
    },
  }
  const webContents = { id: 1, send: () => undefined }
  registerExportSaving({
    ipcMain: ipcMain as unknown as IpcMain,
    engine: t.engine,
    dialog: dialog as unknown as Dialog,
    consoleUrl: () => CONSOLE_ENTRY_URL,
    windows: () => [{ isDestroyed: () => false, webContents }] as never,
  })
  const frame = { url: `${CONSOLE_ENTRY_URL}#/orders`, parent: null }
  const save = (operation: string, input: unknown, session: string | null) =>
    handlers.get(SAVE_EXPORT_CHANNEL)!({ sender: webContents, senderFrame: frame }, operation, input, session)
  return { save, asked }
}

async function session(role: 'owner' | 'cashier'): Promise<string> {
  const { staff } = await t.engine.invoke('auth.signInOptions', {})
  const member = staff.find((m) => m.role === role)!
  const pin = DEMO_STAFF.find((m) => m.role === role)!.pin
  return (await t.engine.invoke('auth.signIn', { staffId: member.id, pin })).token
}

const RANGE = { table: 'orders', format: 'csv', from: '2026-11-21', to: '2026-11-21' }

describe('exports in the desktop app', () => {
  it('streams the file into the path the user picked', async () => {
    t = testEngine()
    folder = tempDir()
    const order = (await t.engine.invoke('orders.create', { amountFen: 1_234_567 })) as Order
    await t.engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: 1_234_567 })
    const path = join(folder.path, 'picked.csv')
    const app = desktop({ canceled: false, filePath: path })
    const answer = await app.save('exports.describe', RANGE, await session('owner'))
    expect(answer).toEqual({ ok: true, data: { saved: true, fileName: 'orders-2026-11-21_2026-11-21.csv' } })
    expect(app.asked).toEqual(['orders-2026-11-21_2026-11-21.csv'])
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('\uFEFF单号,订单ID')).toBe(true)
    expect(text).toContain(`#0001,${order.id},2026-11-21,`)
    expect(text).toContain(',12345.67,0.00,12345.67,')
  })

  it('writes nothing when the dialog is cancelled, and asks nothing of a cashier without reports', async () => {
    t = testEngine()
    folder = tempDir()
    const path = join(folder.path, 'never.csv')
    const cancelled = desktop({ canceled: true })
    expect(await cancelled.save('exports.describe', RANGE, await session('owner'))).toEqual({
      ok: true,
      data: { saved: false, fileName: 'orders-2026-11-21_2026-11-21.csv' },
    })
    const app = desktop({ canceled: false, filePath: path })
    const refused = await app.save('exports.describe', RANGE, await session('cashier'))
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const bad = await app.save('exports.describe', { ...RANGE, to: '2026-11-20' }, await session('owner'))
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
    const other = await app.save('orders.list', {}, await session('owner'))
    expect(other).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
    expect(app.asked).toEqual([])
    expect(existsSync(path)).toBe(false)
  })
})
