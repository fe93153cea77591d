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
 * Every QR code in an image, decoded. jsQR finds one code per pass, so each found code is
 * painted over and the image read again; codes it cannot locate next to others (several
 * finder patterns confuse it) are then looked for in overlapping square bands down the
 * receipt (receipts are tall). Dark-on-light first; inverted only when that finds nothing.
 */
export async function decodeQrCodes(image: Buffer, max = 6): Promise<string[]> {
  const { data, info } = await sharp(image)
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const found = new Set<string>();
  const { width, height } = info;

  /** Decodes what it can in the band [top, top + bandHeight), painting found codes over. */
  const scan = (top: number, bandHeight: number, inversion: 'dontInvert' | 'attemptBoth') => {
    for (let i = 0; i < max && found.size < max; i++) {
      const band = pixels.subarray(top * width * 4, (top + bandHeight) * width * 4);
      const code = jsQR(band, width, bandHeight, { inversionAttempts: inversion });
      if (!code) return;
      found.add(code.data);
      const { topLeftCorner: a, topRightCorner: b, bottomLeftCorner: c, bottomRightCorner: d } = code.location;
      const xs = [a.x, b.x, c.x, d.x];
      const ys = [a.y, b.y, c.y, d.y].map((y) => y + top);
      const margin = (Math.max(...xs) - Math.min(...xs)) / 8;
      const x0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
      const x1 = Math.min(width, Math.ceil(Math.max(...xs) + margin));
      const y0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
      const y1 = Math.min(height, Math.ceil(Math.max(...ys) + margin));
      for (let y = y0; y < y1; y++) pixels.fill(255, (y * width + x0) * 4, (y * width + x1) * 4);
    }
  };

  scan(0, height, 'dontInvert');
  if (height > width * 1.25) {
    const band = Math.min(height, width);
    for (let top = 0; top < height && found.size < max; top += Math.floor(band / 2)) {
      scan(Math.min(top, height - band), band, 'dontInvert');
      if (top + band >= height) break;
    }
  }
  if (found.size === 0) scan(0, height, 'attemptBoth');
  return [...found];
}
