import { describe, expect, it } from 'vitest'
import { downloadTextFile, textFileBlob, type DownloadHost } from '../../../src/renderer/src/lib/download'

const CSV = 'text/csv; charset=utf-8'

async function bytes(blob: Blob): Promise<number[]> {
  return [...new Uint8Array(await blob.arrayBuffer())]
}

/** The text as saved, byte-order mark included (Blob.text() drops it). */
async function savedText(blob: Blob): Promise<string> {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer())
}

describe('a CSV export saved from the browser', () => {
  it('keeps the byte-order mark the engine put first (UTF-8: EF BB BF), once', async () => {
    const blob = textFileBlob({ fileName: 'day.csv', contentType: CSV, text: '\uFEFF营业日,2026-05-01\r\n' })
    expect((await bytes(blob)).slice(0, 3)).toEqual([0xef, 0xbb, 0xbf])
    expect((await bytes(blob)).slice(3, 6)).not.toEqual([0xef, 0xbb, 0xbf])
    expect(blob.type).toBe(CSV)
    expect(await savedText(blob)).toBe('\uFEFF营业日,2026-05-01\r\n')
  })

  it('adds the mark to a CSV without one, so Excel does not read it as GBK; other text stays as it is', async () => {
    const csv = textFileBlob({ fileName: 'x.csv', contentType: CSV, text: '班次,1' })
    expect((await bytes(csv)).slice(0, 3)).toEqual([0xef, 0xbb, 0xbf])
    const plain = textFileBlob({ fileName: 'x.txt', contentType: 'text/plain', text: 'hi' })
    expect(await savedText(plain)).toBe('hi')
  })

  it('clicks a download link to the blob under the file name, and lets the blob go afterwards', async () => {
    const calls: string[] = []
    let revokeLater: (() => void) | null = null
    const host: DownloadHost = {
      createObjectURL: () => {
        calls.push('create')
        return 'blob:test/1'
      },
      revokeObjectURL: (url) => calls.push(`revoke ${url}`),
      clickDownloadLink: (href, fileName) => calls.push(`click ${href} ${fileName}`),
      later: (run) => (revokeLater = run),
    }
    const blob = downloadTextFile({ fileName: 'shift-shf_1.csv', contentType: CSV, text: '\uFEFF班次' }, host)
    expect(calls).toEqual(['create', 'click blob:test/1 shift-shf_1.csv'])
    expect(await savedText(blob)).toBe('\uFEFF班次')
    revokeLater!()
    expect(calls.at(-1)).toBe('revoke blob:test/1')
  })
})
