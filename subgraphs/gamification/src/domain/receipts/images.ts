import jsQR from 'jsqr';
import sharp from 'sharp';

/** Images larger than this (either side) are scaled down before reading: enough for receipts, and fast. */
const MAX_SIDE = 1600;

/**
 * The normalised image the extractors read and the store keeps next to the original: upright
 * (EXIF orientation applied), greyscale, contrast stretched, at most MAX_SIDE pixels a side, PNG.
 * Undefined for what sharp cannot read as an image (a PDF).
 */
export async function normalizeImage(bytes: Buffer): Promise<Buffer | undefined> {
  try {
    return await sharp(bytes)
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .normalise()
      .png()
      .toBuffer();
  } catch {
    return undefined;
  }
}

/**
 * Every QR code in an image, decoded: jsQR finds one code per pass, so each found code is
 * painted over and the image read again (up to `max` codes).
 */
export async function decodeQrCodes(image: Buffer, max = 6): Promise<string[]> {
  const { data, info } = await sharp(image)
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const found: string[] = [];
  for (let i = 0; i < max; i++) {
    const code = jsQR(pixels, info.width, info.height, { inversionAttempts: 'attemptBoth' });
    if (!code) break;
    found.push(code.data);
    const { topLeftCorner: a, topRightCorner: b, bottomLeftCorner: c, bottomRightCorner: d } = code.location;
    const xs = [a.x, b.x, c.x, d.x];
    const ys = [a.y, b.y, c.y, d.y];
    const margin = (Math.max(...xs) - Math.min(...xs)) / 8;
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
    const x1 = Math.min(info.width, Math.ceil(Math.max(...xs) + margin));
    const y0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
    const y1 = Math.min(info.height, Math.ceil(Math.max(...ys) + margin));
    for (let y = y0; y < y1; y++) pixels.fill(255, (y * info.width + x0) * 4, (y * info.width + x1) * 4);
  }
  return found;
}
