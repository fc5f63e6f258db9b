/** A file the engine made for the cashier to keep (a CSV export). */
export interface TextFile {
  fileName: string
  contentType: string
  text: string
}

const BOM = '\uFEFF'

/** The file's bytes: UTF-8, a CSV with its byte-order mark (Excel reads a CSV without one as GBK). */
export function textFileBlob(file: TextFile): Blob {
  const isCsv = file.contentType.startsWith('text/csv')
  const text = isCsv && !file.text.startsWith(BOM) ? BOM + file.text : file.text
  return new Blob([text], { type: file.contentType })
}

/** What saving a file needs from the browser (given in tests). */
export interface DownloadHost {
  createObjectURL(blob: Blob): string
  revokeObjectURL(url: string): void
  /** Clicks a link to `href` that downloads as `fileName`. */
  clickDownloadLink(href: string, fileName: string): void
  later(run: () => void): void
}

/** Saves the file through the browser's (or Electron's) download, from a Blob: nothing goes over the network. */
export function downloadTextFile(file: TextFile, host: DownloadHost): Blob {
  const blob = textFileBlob(file)
  const url = host.createObjectURL(blob)
  host.clickDownloadLink(url, file.fileName)
  host.later(() => host.revokeObjectURL(url))
  return blob
}
