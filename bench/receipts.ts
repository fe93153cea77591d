import { stopOcr } from '../subgraphs/gamification/src/domain/receipts/ocr';
import { normalizeImage } from '../subgraphs/gamification/src/domain/receipts/images';
import { sniffContentType } from '../subgraphs/gamification/src/domain/receipts/sniff';
import { runPipeline, type PipelineOptions } from '../subgraphs/gamification/src/domain/receipts/pipeline';
import { API_KEY, modelReading, startFakeGemini } from '../subgraphs/gamification/test/receipts/fake-gemini';
import { receiptImage, verifactuReceipt } from '../subgraphs/gamification/test/receipts/images';
import { intOption, quantile } from './harness';

/**
 * `npm run bench -- receipts [--receipts 20]`
 *
 * Time per receipt of each extractor of the receipt worker's pipeline (`runPipeline`, what the
 * worker runs after normalising the image), on generated receipts: VERI*FACTU receipts read by
 * their fiscal QR code; printed receipts without a code read by OCR (tesseract.js, offline,
 * Spanish; fonts and sizes varied); the same kind read by the hosted model extractor against a
 * local Gemini stand-in that answers at once (so the figure is this side's cost: base64, HTTP,
 * JSON; a real provider adds its own seconds). Prints, per extractor, the receipts read
 * completely (total and date) and the extractor's own ms (mean, p50, p99), the QR scan every
 * picture goes through first, and the normalisation (sharp) before it.
 */
const FONTS = ['DejaVu Sans Mono', 'DejaVu Sans', 'Liberation Sans', 'DejaVu Serif', 'Liberation Mono'];

export default async function receiptsBench(args: string[]): Promise<void> {
  const count = intOption(args, 'receipts', 20);
  const model = await startFakeGemini();
  const day = new Date();
  const purchasedAt = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 18, 32));
  const date = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
  model.script({ json: modelReading({ purchasedAt, total: 12.5 }) });
  const printed = (i: number) =>
    receiptImage({
      lines: [
        'SUPERMERCADOS LUNA S.L.',
        'NIF: B12345674',
        `Fecha: ${date} 18:32`,
        `Factura simplificada: T-${1000 + i}`,
        '1 x Pan integral       1,20',
        `TOTAL        ${1 + i},50 EUR`,
      ],
      font: FONTS[i % FONTS.length],
      fontSize: [18, 22, 26, 30][i % 4],
      format: (['png', 'jpeg'] as const)[i % 2],
    });
  const kinds: { method: string; picture: (i: number) => Promise<Buffer>; options: PipelineOptions }[] = [
    {
      method: 'FISCAL_QR',
      picture: (i) => verifactuReceipt(`F-${i}`, `${i + 1}.00`, day),
      options: { ocr: false, enoughConfidence: 0.8 },
    },
    { method: 'OCR', picture: printed, options: { ocr: true, enoughConfidence: 0.8 } },
    {
      method: 'HOSTED_MODEL',
      picture: printed,
      options: {
        ocr: false,
        enoughConfidence: 0.8,
        hostedModel: { provider: 'gemini', apiKey: API_KEY, baseUrl: model.baseUrl, model: 'bench', timeoutMs: 30_000 },
      },
    },
  ];
  const stats = (ms: number[]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    const mean = Math.round(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length));
    return `mean ${mean} ms, p50 ${Math.round(quantile(sorted, 0.5))} ms, p99 ${Math.round(quantile(sorted, 0.99))} ms`;
  };
  try {
    console.log(`${count} generated receipts per extractor; ms per receipt`);
    for (const kind of kinds) {
      const own: number[] = [];
      const scan: number[] = [];
      const normalising: number[] = [];
      let complete = 0;
      for (let i = 0; i < count; i++) {
        const original = await kind.picture(i);
        const started = performance.now();
        const image = await normalizeImage(original);
        normalising.push(performance.now() - started);
        const contentType = sniffContentType(original)!;
        const result = await runPipeline({ image, original, contentType }, kind.options);
        const run = result.runs.find((r) => r.method === kind.method);
        if (!run) throw new Error(`${kind.method} did not run on receipt ${i}: ${JSON.stringify(result.runs)}`);
        own.push(run.ms);
        if (kind.method !== 'FISCAL_QR') scan.push(result.runs.find((r) => r.method === 'FISCAL_QR')?.ms ?? 0);
        if (result.receipt?.totalCents !== undefined && result.receipt.purchasedAt) complete++;
      }
      console.log(
        `${kind.method.padEnd(12)} read ${complete}/${count}; extractor ${stats(own)}` +
          (scan.length ? `; QR scan before it ${stats(scan)}` : '') +
          `; normalising ${stats(normalising)}`,
      );
    }
    console.log(`(OCR's first receipt includes starting the tesseract worker; the model answers at once)`);
  } finally {
    await stopOcr();
    await model.close();
  }
}
