import { recognize, stopOcr } from '../../src/domain/receipts/ocr';
import { normalizeImage } from '../../src/domain/receipts/images';
import { parseReceiptText } from '../../src/domain/receipts/text-parser';
import { receiptImage } from './images';

/**
 * OCR accuracy on generated receipts: printed text rendered to PNG (sharp + SVG) with varied
 * fonts, sizes, noise and rotation, read offline by tesseract.js (Spanish traineddata from
 * @tesseract.js-data/spa), parsed for the total and the date. Prints how many were read
 * exactly and the time per receipt; asserts a floor so a regression shows.
 */
const FONTS = ['DejaVu Sans Mono', 'DejaVu Sans', 'Liberation Sans', 'DejaVu Serif', 'Liberation Mono'];
const MERCHANTS = [
  'SUPERMERCADOS LUNA S.L.',
  'FARMACIA CENTRAL',
  'FERRETERIA GARCIA',
  'PANADERIA EL SOL',
  'LIBRERIA NORTE',
];
const NIFS = ['B12345674', '12345678Z', 'A58818501', 'B87654328', 'X1234567L'];

const cases = Array.from({ length: 20 }, (_, i) => {
  const cents = 150 + ((i * 7919) % 9000);
  const day = 1 + (i % 27);
  const month = 1 + (i % 11);
  const date = `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2026`;
  const amount = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  const keyword = ['TOTAL', 'TOTAL A PAGAR', 'IMPORTE TOTAL', 'TOTAL EUR'][i % 4]!;
  return {
    cents,
    date: new Date(Date.UTC(2026, month - 1, day, 18, 32)),
    picture: {
      lines: [
        MERCHANTS[i % 5]!,
        `NIF: ${NIFS[i % 5]}`,
        'C/ Mayor 12, Madrid',
        `Fecha: ${date} 18:32`,
        `Factura simplificada: T-${1000 + i}`,
        `1 x Pan integral       1,20`,
        `2 x Leche entera       2,38`,
        `${keyword}        ${amount} EUR`,
      ],
      font: FONTS[i % FONTS.length],
      fontSize: [18, 22, 26, 30][i % 4],
      noise: [0, 0.01, 0.03][i % 3],
      rotate: [0, 1, -2, 3, 0][i % 5],
      format: (['png', 'jpeg'] as const)[i % 2],
    },
  };
});

afterAll(() => stopOcr());

test('OCR reads the total and the date of generated Spanish receipts', async () => {
  let exact = 0;
  const times: number[] = [];
  const misses: string[] = [];
  for (const [i, c] of cases.entries()) {
    const image = (await normalizeImage(await receiptImage(c.picture)))!;
    const started = performance.now();
    const { text, confidence } = await recognize(image);
    times.push(performance.now() - started);
    const parsed = parseReceiptText(text, confidence);
    if (parsed.totalCents === c.cents && parsed.purchasedAt?.getTime() === c.date.getTime()) exact++;
    else
      misses.push(
        `#${i} ${c.picture.font} ${c.picture.fontSize}px noise ${c.picture.noise} rot ${c.picture.rotate}: total ${parsed.totalCents} (want ${c.cents}), date ${parsed.purchasedAt?.toISOString()}`,
      );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `OCR: ${exact}/${cases.length} receipts read exactly (total and date); ` +
      `ms per receipt: mean ${Math.round(times.reduce((a, b) => a + b, 0) / times.length)}, ` +
      `median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)}, max ${Math.round(sorted.at(-1)!)} (first includes the worker's start)\n` +
      misses.join('\n'),
  );
  expect(exact).toBeGreaterThanOrEqual(14);
}, 600_000);
