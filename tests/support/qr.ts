import jsQR from 'jsqr'
import { PNG } from 'pngjs'

/** Decodes a QR code from a PNG screenshot with an independent decoder (jsQR). */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png)
  const result = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  )
  return result?.data ?? null
}
