import { createReadStream } from 'node:fs'
import { readAlipayBillBatches } from './alipay'
import type { BillEntry, BillFormat } from './types'
import { readWechatBillBatches } from './wechat'

export { readAlipayBill, writeAlipayBill, type AlipayAccountRecords, type AlipayBillOptions } from './alipay'
export { readWechatBill, writeWechatBill, type WechatBillOptions } from './wechat'
export type { BillRecord } from './records'
export type { BillEntry, BillFormat, BillLine, BillSummary } from './types'

/** Reads a bill file saved on disk, with the reader of its format; the file is streamed, never loaded whole. */
export async function* readBill(format: BillFormat, path: string): AsyncGenerator<BillEntry> {
  for await (const batch of readBillBatches(format, path)) yield* batch
}

/** readBill a parsed chunk of the file at a time. */
export function readBillBatches(format: BillFormat, path: string): AsyncGenerator<BillEntry[]> {
  if (format === 'alipay-zip') return readAlipayBillBatches(path)
  // Node's default 64 KiB reads: measured fastest for the parser (larger chunks cost it more per byte).
  return readWechatBillBatches(createReadStream(path))
}
