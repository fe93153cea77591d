import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks Gemini's `generateContent` REST method as documented
 * (https://ai.google.dev/api/generate-content): `POST /v1beta/models/{model}:generateContent`
 * with the key in `x-goog-api-key`, answering a `GenerateContentResponse`
 * (`candidates[].content.parts[].text`, `usageMetadata`, `modelVersion`) or Google's error shape
 * `{ error: { code, message, status, details } }`. Each request takes the next scripted answer
 * (the last one repeats); every request is recorded.
 */
export type FakeAnswer =
  /** 200 with this JSON as the model's text (an object is serialised, a string sent as it is). */
  | { json: unknown }
  /** An error answer in Google's shape, with optional headers (e.g. Retry-After). */
  | {
      status: number;
      error: { message: string; status: string; details?: unknown[] };
      headers?: Record<string, string>;
    }
  /** A raw answer: status, content type and body as given. */
  | { status: number; raw: string; contentType?: string }
  /** No answer until the client gives up (a timeout), or until `release()`: then `then`, or a closed connection. */
  | { hang: true; then?: FakeAnswer };

export interface RecordedRequest {
  path: string;
  apiKey: string | undefined;
  body: {
    contents: { role: string; parts: { text?: string; inlineData?: { mimeType: string; data: string } }[] }[];
    generationConfig: { responseMimeType: string; responseSchema: unknown; temperature: number };
  };
  at: number;
}

export interface FakeGemini {
  /** The API base for RECEIPT_MODEL_URL (`http://127.0.0.1:<port>/v1beta`). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replaces the script: the answers to the next requests, in order. */
  script(...answers: FakeAnswer[]): void;
  /** Holds every answer until `count` requests are waiting at once, then lets them all go. */
  barrier(count: number): void;
  /** Ends every hanging request: its `then` answer, or a closed connection. */
  release(): void;
  close(): Promise<void>;
}

export const API_KEY = 'test-gemini-key';

/** A receipt as the model would read it, in the extractor's response schema. */
export function modelReading(r: {
  merchantName?: string;
  merchantTaxId?: string;
  receiptNumber?: string;
  purchasedAt: Date;
  total: number;
  currency?: string;
  confidence?: number;
}) {
  return {
    merchantName: r.merchantName ?? 'SUPERMERCADOS LUNA S.L.',
    merchantTaxId: r.merchantTaxId ?? 'B12345674',
    receiptNumber: r.receiptNumber ?? 'T-0001',
    purchasedAt: r.purchasedAt.toISOString().slice(0, 19),
    total: r.total,
    currency: r.currency ?? 'EUR',
    lines: [{ description: 'Pan integral', quantity: 1, total: r.total }],
    confidence: r.confidence ?? 0.9,
  };
}

export async function startFakeGemini(): Promise<FakeGemini> {
  let answers: FakeAnswer[] = [{ hang: true }];
  const requests: RecordedRequest[] = [];
  const hanging = new Map<ServerResponse, FakeAnswer | undefined>();
  let gate: { count: number; waiting: (() => void)[] } | undefined;

  const respond = (res: ServerResponse, answer: FakeAnswer) => {
    if ('hang' in answer) {
      hanging.set(res, answer.then);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if ('json' in answer) {
      const text = typeof answer.json === 'string' ? answer.json : JSON.stringify(answer.json);
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(
        JSON.stringify({
          candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 1290, candidatesTokenCount: 120, totalTokenCount: 1410 },
          modelVersion: 'gemini-2.5-flash',
        }),
      );
      return;
    }
    if ('error' in answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
      res.end(JSON.stringify({ error: { code: answer.status, ...answer.error } }));
      return;
    }
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/html' });
    res.end(answer.raw);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      if (req.method !== 'POST' || !/^\/v1beta\/models\/[^/]+:generateContent$/.test(path)) {
        respond(res, { status: 404, error: { message: 'Not found', status: 'NOT_FOUND' } });
        return;
      }
      const header = req.headers['x-goog-api-key'];
      const apiKey = typeof header === 'string' ? header : undefined;
      requests.push({
        path,
        apiKey,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'],
        at: Date.now(),
      });
      if (apiKey !== API_KEY) {
        respond(res, {
          status: 400,
          error: { message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' },
        });
        return;
      }
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      const go = () => respond(res, answer);
      if (!gate) return go();
      gate.waiting.push(go);
      if (gate.waiting.length >= gate.count) {
        const all = gate.waiting;
        gate = undefined;
        for (const release of all) release();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const release = () => {
    const held = [...hanging];
    hanging.clear();
    for (const [res, then] of held) {
      if (then) respond(res, then);
      else res.destroy();
    }
  };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1beta`,
    requests,
    script(...next) {
      answers = next;
    },
    barrier(count) {
      gate = { count, waiting: [] };
    },
    release,
    async close() {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
