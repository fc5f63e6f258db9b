import { downloadTextFile, type DownloadHost, type TextFile } from '../lib/download'

/** The page's own download: a link to the Blob, clicked (the desktop app saves it through Electron's dialog). */
export function browserDownloadHost(): DownloadHost {
  return {
    createObjectURL: (blob) => URL.createObjectURL(blob),
    revokeObjectURL: (url) => URL.revokeObjectURL(url),
    clickDownloadLink(href, fileName) {
      const link = document.createElement('a')
      link.href = href
      link.download = fileName
      link.rel = 'noopener'
      link.style.display = 'none'
      document.body.appendChild(link)
      link.click()
      link.remove()
    },
    // The browser reads the blob after the click returns: let it go a moment later.
    later: (run) => setTimeout(run, 10_000),
  }
}

/** Saves an export (a CSV) where the browser keeps downloads. */
export function saveTextFile(file: TextFile): void {
  downloadTextFile(file, browserDownloadHost())
}

/** Saves a file the server sent (an export) where the browser keeps downloads. */
export function saveBlob(blob: Blob, fileName: string): void {
  const host = browserDownloadHost()
  const url = host.createObjectURL(blob)
  host.clickDownloadLink(url, fileName)
  host.later(() => host.revokeObjectURL(url))
}
