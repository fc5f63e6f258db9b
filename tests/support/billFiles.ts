import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import iconv from 'iconv-lite'
import yazl from 'yazl'
import { EngineError } from '../../src/shared/errors'
import type { BillEntry, BillLine, BillRecord, BillSummary } from '../../src/engine/reconciliation/bills'

/** Everything a bill reader yields, lines and summary apart. */
export async function readAll(entries: AsyncIterable<BillEntry>): Promise<{ lines: BillLine[]; summary: BillSummary }> {
  const lines: BillLine[] = []
  let summary: BillSummary | null = null
  for await (const entry of entries) {
    if (entry.type === 'line') lines.push(entry)
    else summary = entry
  }
  if (!summary) throw new Error('the reader yielded no summary')
  return { lines, summary }
}

/** The coded error a bill reader throws, or a failure when it reads the bill without one. */
export async function billError(entries: AsyncIterable<BillEntry>): Promise<EngineError> {
  try {
    await readAll(entries)
  } catch (error) {
    if (error instanceof EngineError) return error
    throw error
  }
  throw new Error('the bill was read without an error')
}

export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  let text = ''
  for await (const chunk of chunks) text += chunk
  return text
}

/** A text split into small chunks, as a download arrives: rows and even characters fall across chunk edges. */
export function inChunks(bytes: Buffer, size = 7): AsyncIterable<Buffer> {
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
  })()
}

/** A zip holding the given files, their text encoded in GBK (hand-written Alipay bills). */
export async function writeGbkZip(path: string, files: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile()
  for (const [name, text] of Object.entries(files)) zip.addBuffer(iconv.encode(text, 'gbk'), name)
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(path))
}

const AT = Date.parse('2026-11-29T04:34:56Z') // 12:34:56 in Beijing

export function sampleRecords(merchantId: string): BillRecord[] {
  return [
    {
      kind: 'payment',
      outTradeNo: 'pay_001',
      providerTradeNo: '4200000001',
      merchantId,
      amountFen: 1250,
      feeFen: 8,
      at: AT,
      description: '豆浆油条',
      feeRateBp: 60,
    },
    {
      kind: 'payment',
      outTradeNo: 'pay_002',
      providerTradeNo: '4200000002',
      merchantId,
      amountFen: 50,
      feeFen: 0,
      at: AT + 60_000,
      description: '茶叶蛋, 两个',
    },
    {
      kind: 'refund',
      outTradeNo: 'pay_001',
      providerTradeNo: '4200000001',
      outRefundNo: 'rfd_001',
      providerRefundNo: '5030000001',
      merchantId,
      amountFen: 450,
      orderAmountFen: 1250,
      feeFen: -3,
      at: AT + 120_000,
      description: '豆浆油条',
    },
  ]
}

/**
 * A zip as Alipay writes it: file names in GBK without the zip's UTF-8 flag (yazl always writes UTF-8 names, so
 * ASCII stand-ins of the same length are written and swapped for the GBK bytes afterwards).
 */
export async function writeZipNamedInGbk(path: string, files: Record<string, string>): Promise<void> {
  const names = Object.keys(files).map((name, i) => {
    const gbk = iconv.encode(name, 'gbk')
    return { gbk, standIn: Buffer.alloc(gbk.length, 0x41 + i) }
  })
  const zip = new yazl.ZipFile()
  Object.values(files).forEach((text, i) => {
    zip.addBuffer(iconv.encode(text, 'gbk'), names[i]!.standIn.toString('latin1'), { compress: false })
  })
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  const bytes = Buffer.concat(chunks)
  for (const { gbk, standIn } of names) {
    for (let at = bytes.indexOf(standIn); at >= 0; at = bytes.indexOf(standIn, at + 1)) gbk.copy(bytes, at)
  }
  clearUtf8Flags(bytes)
  await pipeline(Readable.from([bytes]), createWriteStream(path))
}

/** Clears bit 11 (names in UTF-8) of every local and central header. */
function clearUtf8Flags(bytes: Buffer): void {
  const headers = [
    { signature: 0x04034b50, flagsAt: 6 },
    { signature: 0x02014b50, flagsAt: 8 },
  ]
  for (let at = 0; at + 4 <= bytes.length; at++) {
    const header = headers.find((h) => bytes.readUInt32LE(at) === h.signature)
    if (header) bytes.writeUInt16LE(bytes.readUInt16LE(at + header.flagsAt) & ~0x800, at + header.flagsAt)
  }
}
