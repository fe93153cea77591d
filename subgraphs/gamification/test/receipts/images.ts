import QRCode from 'qrcode';
import sharp from 'sharp';

/**
 * Receipt pictures made in the tests: printed text rendered from SVG by sharp (librsvg), QR
 * codes by the qrcode package, composited onto the paper with sharp.
 */
export interface ReceiptPicture {
  lines: string[];
  /** QR texts printed under the lines. */
  qr?: string[];
  font?: string;
  fontSize?: number;
  /** Degrees. */
  rotate?: number;
  /** 0..1: share of pixels flipped to speckles. */
  noise?: number;
  format?: 'png' | 'jpeg' | 'webp';
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function receiptImage(p: ReceiptPicture): Promise<Buffer> {
  const size = p.fontSize ?? 22;
  const lineHeight = Math.round(size * 1.5);
  const width = Math.max(520, Math.round(size * 0.62 * Math.max(...p.lines.map((l) => l.length)) + 60));
  const qrSize = 260;
  const textHeight = 40 + p.lines.length * lineHeight;
  const height = textHeight + (p.qr?.length ?? 0) * (qrSize + 20) + 20;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${p.lines
    .map(
      (l, i) =>
        `<text x="24" y="${30 + (i + 1) * lineHeight - lineHeight / 3}" font-family="${p.font ?? 'DejaVu Sans Mono'}" font-size="${size}" fill="black">${escape(l)}</text>`,
    )
    .join('')}</svg>`;
  const composites: sharp.OverlayOptions[] = [];
  for (const [i, text] of (p.qr ?? []).entries()) {
    const qr = await QRCode.toBuffer(text, { type: 'png', width: qrSize, margin: 2, errorCorrectionLevel: 'M' });
    composites.push({ input: qr, left: 24, top: textHeight + i * (qrSize + 20) });
  }
  let image = sharp(Buffer.from(svg)).composite(composites).flatten({ background: 'white' });
  if (p.noise) {
    const { data, info } = await image.greyscale().raw().toBuffer({ resolveWithObject: true });
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < data.length; i++) if (random() < p.noise) data[i] = random() < 0.5 ? 0 : 255;
    image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  if (p.rotate) image = sharp(await image.png().toBuffer()).rotate(p.rotate, { background: 'white' });
  if (p.format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  if (p.format === 'webp') return image.webp().toBuffer();
  return image.png().toBuffer();
}

/** A VERI*FACTU QR text. */
export const verifactuUrl = (r: { nif: string; number: string; date: Date; total: string }) => {
  const d = r.date;
  const fecha = `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
  return `https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?nif=${r.nif}&numserie=${encodeURIComponent(r.number)}&fecha=${fecha}&importe=${r.total}`;
};

/** A Spanish bakery's receipt with its VERI*FACTU QR code (NIF B12345674), dated `date` (default today). */
export function verifactuReceipt(
  number: string,
  total = '24.80',
  date = new Date(),
  format: ReceiptPicture['format'] = 'png',
): Promise<Buffer> {
  return receiptImage({
    lines: ['PANADERIA EL SOL S.L.', 'NIF B12345674', `Factura ${number}`, `TOTAL ${total.replace('.', ',')} EUR`],
    qr: [verifactuUrl({ nif: 'B12345674', number, date, total })],
    format,
  });
}
