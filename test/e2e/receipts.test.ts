import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { newAccount, ok, type Account } from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { testReceiptStore } from '../helpers/services';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf } from '../helpers/users';
import { collect } from '../helpers/ws';
import { pubsubFor } from '../../shared/realtime/pubsub';
import { channels } from '../../subgraphs/gamification/src/realtime';
import { receiptImage, verifactuUrl } from '../../subgraphs/gamification/test/receipts/images';

/**
 * Shop receipts through the gateway, as a user goes: upload the photo (`POST /uploads/receipts`,
 * bearer token), `submitReceipt`, follow `receiptUpdated` to APPROVED, see the points. Refusals
 * of the upload store nothing; another user's upload or receipt is FORBIDDEN; the same receipt
 * submitted 20 times is accepted once.
 */
let stack: Stack;
let admin: Account;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack();
  admin = await newAccount(stack, 'admin', ['ADMIN']);
  await ok(
    stack,
    `mutation ($input: EarningRuleInput!) { createEarningRule(input: $input) { id } }`,
    { input: { name: 'Ticket de compra', trigger: 'RECEIPT_APPROVED', fixedPoints: 5, pointsPerUnit: 1 } },
    admin.accessToken,
  );
}, 60_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

const today = () => new Date();

async function upload(body: Buffer | string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.gateway.url.replace(/\/graphql$/, '')}/uploads/receipts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const SUBMIT = `mutation ($uploadId: ID!) { submitReceipt(input: { uploadId: $uploadId }) { id status } }`;
const RECEIPT = `query ($id: ID!) { receipt(id: $id) { id status method fiscalFormat merchantTaxId receiptNumber totalCents currency purchasedAt rejectionReason user { id } } }`;

async function verifactuReceipt(number: string, total = '24.80') {
  return receiptImage({
    lines: ['PANADERIA EL SOL S.L.', 'NIF B12345674', `Factura ${number}`, `TOTAL ${total.replace('.', ',')} EUR`],
    qr: [verifactuUrl({ nif: 'B12345674', number, date: today(), total })],
  });
}

async function storedFiles(): Promise<string[]> {
  const root = testReceiptStore();
  const out: string[] = [];
  for (const dir of ['originals', 'tmp']) {
    try {
      out.push(...(await readdir(path.join(root, dir))).map((f) => `${dir}/${f}`));
    } catch {
      // not created yet
    }
  }
  return out;
}

test('upload → submit → receiptUpdated APPROVED → points for the total', async () => {
  const buyer = await newAccount(stack, 'buyer');
  const up = await upload(await verifactuReceipt('F2026-0001'), buyer.accessToken);
  expect(up.status).toBe(201);
  expect(up.body).toMatchObject({
    contentType: 'image/png',
    uploadId: expect.any(String),
    expiresAt: expect.any(String),
  });

  // Held until the subscription is open, so no status change can pass before it.
  await stack.stopWorkers('gamification');
  const submitted = await ok(stack, SUBMIT, { uploadId: up.body.uploadId }, buyer.accessToken);
  expect(submitted.submitReceipt.status).toBe('PROCESSING');
  const id = submitted.submitReceipt.id as string;

  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${buyer.accessToken}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const live = collect<{ receiptUpdated: { status: string; totalCents: number } }>(
    client,
    `subscription ($id: ID!) { receiptUpdated(id: $id) { status totalCents } }`,
    { id },
  );
  // The subscription is open once a repeat of the current status (on the process's in-memory
  // bus, which this stack's subgraphs use) reaches it.
  const bus = pubsubFor({});
  await eventually(
    async () => {
      await bus.publish(channels.receipt(id), { receiptId: id, userId: buyer.id, status: 'PROCESSING' });
      return live.events.length > 0;
    },
    { what: 'the subscription to be open', intervalMs: 100 },
  );
  expect(live.events[0]!.receiptUpdated.status).toBe('PROCESSING');
  stack.startWorkers('gamification');
  await eventually(async () => live.events.some((e) => e.receiptUpdated.status === 'APPROVED'), {
    what: 'receiptUpdated APPROVED',
    timeoutMs: 60_000,
  });
  expect(live.events.at(-1)!.receiptUpdated).toEqual({ status: 'APPROVED', totalCents: 2480 });

  const read = (await ok(stack, RECEIPT, { id }, buyer.accessToken)).receipt;
  expect(read).toMatchObject({
    status: 'APPROVED',
    method: 'FISCAL_QR',
    fiscalFormat: 'ES_VERIFACTU',
    merchantTaxId: 'B12345674',
    receiptNumber: 'F2026-0001',
    totalCents: 2480,
    currency: 'EUR',
    user: { id: buyer.id },
  });
  // 5 + 1 per whole euro.
  await eventually(async () => (await ok(stack, `{ me { points } }`, {}, buyer.accessToken)).me.points === 29, {
    what: 'points for the receipt',
  });
  const mine = await ok(
    stack,
    `{ myReceipts(first: 5) { totalCount edges { node { id status } } } }`,
    {},
    buyer.accessToken,
  );
  expect(mine.myReceipts).toEqual({ totalCount: 1, edges: [{ node: { id, status: 'APPROVED' } }] });
}, 120_000);

test('upload refusals have clear codes and store nothing', async () => {
  const user = await newAccount(stack, 'uploader');
  const png = await verifactuReceipt('F2026-0002');
  const before = await storedFiles();
  const rows = async () =>
    Number((await stack.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM gamification.receipt_uploads`)[0]!.n);
  const rowsBefore = await rows();

  const anonymous = await upload(png);
  expect([anonymous.status, anonymous.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  const badToken = await upload(png, 'not-a-token');
  expect([badToken.status, badToken.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);

  // Named like a picture, sent as one: it is text.
  const text = await upload('GIF89a? no, plain text pretending', user.accessToken, { 'content-type': 'image/png' });
  expect([text.status, text.body.errors[0].extensions.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  const empty = await upload(Buffer.alloc(0), user.accessToken);
  expect([empty.status, empty.body.errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);

  const big = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]);
  const declared = await upload(big, user.accessToken);
  expect([declared.status, declared.body.errors[0].extensions.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  // Streamed without a declared length: counted as it comes, refused past the limit.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < big.length; i += 1 << 20) controller.enqueue(big.subarray(i, i + (1 << 20)));
      controller.close();
    },
  });
  const chunked = await fetch(`${stack.gateway.url.replace(/\/graphql$/, '')}/uploads/receipts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
    body: stream,
    duplex: 'half',
  });
  expect(chunked.status).toBe(413);
  expect(((await chunked.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');

  // The interrupted stream's temporary file goes once the subgraph saw the interruption.
  await eventually(async () => JSON.stringify(await storedFiles()) === JSON.stringify(before), {
    what: 'no file left by the refused uploads',
  });
  expect(await rows()).toBe(rowsBefore);
}, 120_000);

test("someone else's upload or receipt is FORBIDDEN; an expired or reused upload is refused", async () => {
  const owner = await newAccount(stack, 'owner');
  const other = await newAccount(stack, 'other');
  const up = await upload(await verifactuReceipt('F2026-0003'), owner.accessToken);
  const stolen = await stack.gql(SUBMIT, { uploadId: up.body.uploadId }, { token: other.accessToken });
  expect(codeOf(stolen)).toBe('FORBIDDEN');
  const unknown = await stack.gql(
    SUBMIT,
    { uploadId: '00000000-0000-4000-8000-000000000000' },
    { token: owner.accessToken },
  );
  expect(codeOf(unknown)).toBe('NOT_FOUND');

  const { submitReceipt } = await ok(stack, SUBMIT, { uploadId: up.body.uploadId }, owner.accessToken);
  const again = await stack.gql(SUBMIT, { uploadId: up.body.uploadId }, { token: owner.accessToken });
  expect(codeOf(again)).toBe('CONFLICT');
  const peek = await stack.gql(RECEIPT, { id: submitReceipt.id }, { token: other.accessToken });
  expect(codeOf(peek)).toBe('FORBIDDEN');
  expect((await ok(stack, RECEIPT, { id: submitReceipt.id }, admin.accessToken)).receipt.id).toBe(submitReceipt.id);

  const late = await upload(await verifactuReceipt('F2026-0004'), owner.accessToken);
  await stack.db
    .$executeRaw`UPDATE gamification.receipt_uploads SET expires_at = now() - interval '1 minute' WHERE id = ${late.body.uploadId}::uuid`;
  const expired = await stack.gql(SUBMIT, { uploadId: late.body.uploadId }, { token: owner.accessToken });
  expect(codeOf(expired)).toBe('BAD_USER_INPUT');
  expect(expired.errors![0]!.extensions).toMatchObject({ field: 'input.uploadId', reason: 'UPLOAD_EXPIRED' });
}, 120_000);

test('the same receipt submitted 20 times at once: one APPROVED, 19 DUPLICATE', async () => {
  const image = await verifactuReceipt('F2026-0100', '12.00');
  const users = await Promise.all(Array.from({ length: 4 }, (_, i) => newAccount(stack, `dup${i}`)));
  const uploads = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const user = users[i % users.length]!;
      return { user, up: await upload(image, user.accessToken) };
    }),
  );
  const ids = await Promise.all(
    uploads.map(
      async ({ user, up }) =>
        (await ok(stack, SUBMIT, { uploadId: up.body.uploadId }, user.accessToken)).submitReceipt.id as string,
    ),
  );
  const statuses = await eventually(
    async () => {
      const rows = await stack.db.$queryRaw<{ status: string }[]>`
        SELECT status::text FROM gamification.receipts WHERE id = ANY(${ids}::uuid[])`;
      return rows.every((r) => r.status !== 'PROCESSING') && rows.map((r) => r.status);
    },
    { what: 'all 20 receipts decided', timeoutMs: 90_000 },
  );
  expect(statuses.filter((s) => s === 'APPROVED')).toHaveLength(1);
  expect(statuses.filter((s) => s === 'DUPLICATE')).toHaveLength(19);
}, 180_000);
