import { createReadStream } from 'node:fs'
import { readAlipayBill } from './alipay'
import type { BillEntry, BillFormat } from './types'
import { readWechatBill } from './wechat'

export { readAlipayBill, writeAlipayBill, type AlipayAccountRecords, type AlipayBillOptions } from './alipay'
export { readWechatBill, writeWechatBill, type WechatBillOptions } from './wechat'
export type { BillRecord } from './records'
export type { BillEntry, BillFormat, BillLine, BillSummary } from './types'

/** Reads a bill file saved on disk, with the reader of its format; the file is streamed, never loaded whole. */
export function readBill(format: BillFormat, path: string): AsyncGenerator<BillEntry> {
  if (format === 'alipay-zip') return readAlipayBill(path)
  return readWechatBill(createReadStream(path))
}
