import QRCode from 'qrcode'

/** Modules of white around the code, as the QR standard asks. */
const QUIET_ZONE = 4

/**
 * A QR code as an inline SVG (one path, black on white, with its quiet zone), built synchronously so a receipt
 * renders as one string; `sizeMm` is its printed size.
 */
export function qrSvg(content: string, sizeMm: number, label: string): string {
  const { modules } = QRCode.create(content, { errorCorrectionLevel: 'M' })
  const size = modules.size
  const cells: string[] = []
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (modules.get(row, col)) cells.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`)
    }
  }
  const box = size + QUIET_ZONE * 2
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeAttr(label)}" ` +
    `viewBox="0 0 ${box} ${box}" width="${sizeMm}mm" height="${sizeMm}mm" shape-rendering="crispEdges">` +
    `<rect width="${box}" height="${box}" fill="#fff"/><path fill="#000" d="${cells.join('')}"/></svg>`
  )
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
