import { startGamification, type GamificationHarness } from '../helpers';
import { API_KEY, modelReading, startFakeGemini, type FakeGemini } from './fake-gemini';
import { receiptImage } from './images';
import { decided, submitReceipt, testReceiptSettings } from './submit';

/**
 * The hosted model extractor (Gemini's `generateContent`) inside the real receipt worker, against
 * a local server answering in Gemini's documented request and response format: a reading
 * becomes an APPROVED receipt; 429 (Retry-After, RetryInfo) and a timeout postpone the receipt,
 * which is tried again after the wait and never lost; an answer that is not the asked JSON sends
 * the receipt to review and the worker goes on. OCR is off, so the model is the only reader of
 * these QR-less pictures.
 */
let g: GamificationHarness;
let model: FakeGemini;
const settings = () =>
  testReceiptSettings({
    ocr: false,
    maxAttempts: 3,
    hostedModel: {
      provider: 'gemini',
      apiKey: API_KEY,
      baseUrl: model.baseUrl,
      model: 'gemini-2.5-flash',
      timeoutMs: 1500,
    },
  });

beforeAll(async () => {
  model = await startFakeGemini();
  g = await startGamification({ settings: { receipts: settings() } });
}, 60_000);
afterAll(async () => {
  model?.release();
  await g?.stop();
  await model?.close();
});

let n = 0;
/** A receipt picture without QR code, different each time (so never a duplicate image). */
const picture = () => receiptImage({ lines: ['SUPERMERCADOS LUNA S.L.', `Ticket T-${++n}`, 'TOTAL 12,50 EUR'] });
const today = () =>
  new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate(), 9, 15));
const submit = async (file?: Buffer) => submitReceipt(g, settings(), g.viewer(), file ?? (await picture()));
const reading = (receiptNumber: string) => ({
  json: modelReading({ receiptNumber, purchasedAt: today(), total: 12.5 }),
});

test("the model's reading, asked and answered in Gemini's format, approves the receipt", async () => {
  model.script(reading('T-A1'));
  const before = model.requests.length;
  const file = await picture();
  const row = await decided(g, await submit(file));
  expect(row).toMatchObject({
    status: 'APPROVED',
    method: 'HOSTED_MODEL',
    merchantName: 'SUPERMERCADOS LUNA S.L.',
    merchantTaxId: 'B12345674',
    receiptNumber: 'T-A1',
    totalCents: 1250,
    currency: 'EUR',
    confidence: 0.9,
  });
  expect(row.purchasedAt).toEqual(today());
  expect(row.lines).toEqual([{ description: 'Pan integral', quantity: 1, totalCents: 1250 }]);

  const [request, ...more] = model.requests.slice(before);
  expect(more).toHaveLength(0);
  expect(request!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  expect(request!.apiKey).toBe(API_KEY);
  const [image, prompt] = request!.body.contents[0]!.parts;
  expect(image!.inlineData).toEqual({ mimeType: 'image/png', data: file.toString('base64') });
  expect(prompt!.text).toMatch(/JSON/);
  expect(request!.body.generationConfig).toMatchObject({
    responseMimeType: 'application/json',
    responseSchema: { type: 'OBJECT', required: ['lines', 'confidence'] },
  });
}, 60_000);

test('a PDF receipt, which only the model reads, is sent as application/pdf', async () => {
  model.script(reading('T-PDF'));
  const before = model.requests.length;
  const pdf = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% receipt ${++n}\n%%EOF\n`);
  const row = await decided(g, await submit(pdf));
  expect(row).toMatchObject({ status: 'APPROVED', method: 'HOSTED_MODEL', receiptNumber: 'T-PDF' });
  expect(model.requests[before]!.body.contents[0]!.parts[0]!.inlineData!.mimeType).toBe('application/pdf');
}, 60_000);

test('429 with Retry-After, then with RetryInfo: the receipt waits as asked each time and is approved once', async () => {
  model.script(
    {
      status: 429,
      headers: { 'retry-after': '1' },
      error: { message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
    },
    {
      status: 429,
      error: {
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
      },
    },
    reading('T-429'),
  );
  const before = model.requests.length;
  const id = await submit();
  const row = await decided(g, id);
  expect(row).toMatchObject({ status: 'APPROVED', receiptNumber: 'T-429', attempts: 3 });
  const times = model.requests.slice(before).map((r) => r.at);
  expect(times).toHaveLength(3);
  // Each retry came after the second the provider asked for (and not much later: it was not lost).
  expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
  expect(times[2]! - times[0]!).toBeLessThan(10_000);
  expect(
    await g.db.outboxEvent.count({ where: { type: 'ReceiptApproved', payload: { path: ['receiptId'], equals: id } } }),
  ).toBe(1);
}, 60_000);

test('no answer within the timeout: the attempt is given up, the receipt tried again after the backoff', async () => {
  model.script({ hang: true }, reading('T-SLOW'));
  const before = model.requests.length;
  const row = await decided(g, await submit());
  expect(row).toMatchObject({ status: 'APPROVED', receiptNumber: 'T-SLOW', attempts: 2 });
  const [first, second] = model.requests.slice(before).map((r) => r.at);
  // 1.5 s timeout, then the worker's 2 s backoff after a first attempt.
  expect(second! - first!).toBeGreaterThanOrEqual(3000);
}, 60_000);

test('a provider that stays busy: after maxAttempts the receipt goes to review, not round forever', async () => {
  model.script({
    status: 503,
    headers: { 'retry-after': '1' },
    error: { message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
  });
  const before = model.requests.length;
  const row = await decided(g, await submit());
  expect(row).toMatchObject({ status: 'NEEDS_REVIEW', rejectionReason: 'UNREADABLE' });
  expect(model.requests.length - before).toBe(3);
}, 60_000);

test('answers that are not the asked JSON send the receipt to review, and the worker goes on', async () => {
  const malformed = [
    { json: 'Sure! The total of this receipt is 12,50 EUR.' },
    { json: '["not", "an", "object"]' },
    { status: 200, raw: '<html><body>Service temporarily moved</body></html>' },
    { status: 400, error: { message: 'Unable to process input image.', status: 'INVALID_ARGUMENT' } },
  ];
  for (const answer of malformed) {
    model.script(answer);
    const row = await decided(g, await submit());
    expect(row).toMatchObject({ status: 'NEEDS_REVIEW', rejectionReason: 'UNREADABLE', confidence: 0 });
    expect(row.extraction).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'HOSTED_MODEL', outcome: 'failed' })]),
    );
  }
  // JSON of the wrong types: what has the asked type is kept, the rest missing, so a person decides.
  model.script({
    json: {
      merchantName: 'BAR PEPE',
      total: 'doce con cincuenta',
      purchasedAt: 'ayer',
      lines: 'none',
      confidence: 'high',
    },
  });
  const partial = await decided(g, await submit());
  expect(partial).toMatchObject({
    status: 'NEEDS_REVIEW',
    merchantName: 'BAR PEPE',
    totalCents: null,
    purchasedAt: null,
    lines: [],
  });
  // The worker is alive: the next good answer is approved.
  model.script(reading('T-AFTER'));
  expect(await decided(g, await submit())).toMatchObject({ status: 'APPROVED', receiptNumber: 'T-AFTER' });
}, 90_000);
