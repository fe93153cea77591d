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
import { receiptImage, verifactuReceipt } from '../../subgraphs/gamification/test/receipts/images';

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

const DAY = 86_400_000;

/** Uploads and submits `image` as `user`; the receipt's id. */
async function submitted(image: Buffer, user: Account): Promise<string> {
  const up = await upload(image, user.accessToken);
  return (await ok(stack, SUBMIT, { uploadId: up.body.uploadId }, user.accessToken)).submitReceipt.id as string;
}

/** The receipt as its owner reads it through the gateway, once a worker decided it. */
function decided(id: string, user: Account) {
  return eventually(
    async () => {
      const { receipt } = await ok(stack, RECEIPT, { id }, user.accessToken);
      return receipt.status !== 'PROCESSING' && receipt;
    },
    { what: `receipt ${id} decided`, timeoutMs: 90_000 },
  );
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

test('plausibility: future, too old, too small, too large and over the daily limit are REJECTED with the reason', async () => {
  const user = await newAccount(stack, 'plausible');
  const cases: [string, Promise<Buffer>][] = [
    ['FUTURE_DATE', verifactuReceipt('P-FUTURE', '10.00', new Date(Date.now() + 2 * DAY))],
    ['TOO_OLD', verifactuReceipt('P-OLD', '10.00', new Date(Date.now() - 100 * DAY))],
    ['TOTAL_TOO_LOW', verifactuReceipt('P-LOW', '0.10')],
    ['TOTAL_TOO_HIGH', verifactuReceipt('P-HIGH', '6000.00')],
  ];
  for (const [reason, image] of cases) {
    const receipt = await decided(await submitted(await image, user), user);
    expect([receipt.status, receipt.rejectionReason]).toEqual(['REJECTED', reason]);
  }
  // The limits' edges pass: 90 days old, the smallest and the largest total.
  for (const [number, total, date] of [
    ['P-EDGE-OLD', '10.00', new Date(Date.now() - 89 * DAY)],
    ['P-EDGE-LOW', '0.50', today()],
    ['P-EDGE-HIGH', '5000.00', today()],
  ] as const) {
    const receipt = await decided(await submitted(await verifactuReceipt(number, total, date), user), user);
    expect([number, receipt.status]).toEqual([number, 'APPROVED']);
  }

  // RECEIPT_MAX_PER_DAY (10): the eleventh accepted receipt of a day is refused; refusals do not count.
  const busy = await newAccount(stack, 'daily');
  const ids: string[] = [];
  for (let i = 0; i < 11; i++) ids.push(await submitted(await verifactuReceipt(`D-${i}`, '3.00'), busy));
  const statuses = [];
  for (const id of ids) statuses.push(await decided(id, busy));
  expect(statuses.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill('APPROVED'));
  expect([statuses[10].status, statuses[10].rejectionReason]).toEqual(['REJECTED', 'DAILY_LIMIT']);
}, 240_000);

const TO_REVIEW = `query ($first: Int, $after: String) { receiptsToReview(first: $first, after: $after) {
  totalCount edges { node { id status rejectionReason user { id } } } pageInfo { hasNextPage endCursor } } }`;
const REVIEW = `mutation ($id: ID!, $decision: ReceiptReviewDecision!, $corrections: ReceiptCorrections, $reason: String) {
  reviewReceipt(id: $id, decision: $decision, corrections: $corrections, reason: $reason) {
    id status method merchantTaxId receiptNumber totalCents currency purchasedAt rejectionReason duplicateOf { id } } }`;

test('the ADMIN review queue: receipts nothing could read wait, an ADMIN approves with corrections or rejects', async () => {
  const user = await newAccount(stack, 'reviewed');
  // Printed text without a total or a date: OCR reads it, nothing to decide on.
  const ids: string[] = [];
  for (const table of [1, 2, 3, 4]) {
    const image = await receiptImage({
      lines: ['BAR MANOLO', `Mesa ${table} - camarero Luis`, 'GRACIAS POR SU VISITA'],
    });
    ids.push(await submitted(image, user));
  }
  for (const id of ids) expect((await decided(id, user)).status).toBe('NEEDS_REVIEW');
  const approvedFirst = await submitted(await verifactuReceipt('R-ORIGINAL', '15.00'), user);
  expect((await decided(approvedFirst, user)).status).toBe('APPROVED');

  // Oldest first, paged.
  const page1 = (await ok(stack, TO_REVIEW, { first: 2 }, admin.accessToken)).receiptsToReview;
  const page2 = (await ok(stack, TO_REVIEW, { first: 100, after: page1.pageInfo.endCursor }, admin.accessToken))
    .receiptsToReview;
  const queue = [...page1.edges, ...page2.edges].map((e: any) => e.node);
  expect(page1.pageInfo.hasNextPage).toBe(true);
  expect(queue.filter((r) => ids.includes(r.id)).map((r) => r.id)).toEqual(ids);
  expect(queue.every((r) => r.status === 'NEEDS_REVIEW')).toBe(true);
  expect(queue.find((r) => r.id === ids[0]).user).toEqual({ id: user.id });

  // Only ADMIN: the owner and another user are FORBIDDEN, anonymous UNAUTHENTICATED; nothing changes.
  const stranger = await newAccount(stack, 'stranger');
  expect(codeOf(await stack.gql(TO_REVIEW, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
  expect(codeOf(await stack.gql(TO_REVIEW, {}, { token: stranger.accessToken }))).toBe('FORBIDDEN');
  expect(codeOf(await stack.gql(TO_REVIEW, {}))).toBe('UNAUTHENTICATED');
  const approve = {
    id: ids[0],
    decision: 'APPROVE',
    corrections: { totalCents: 2350, purchasedAt: today().toISOString(), currency: 'EUR' },
  };
  expect(codeOf(await stack.gql(REVIEW, approve, { token: user.accessToken }))).toBe('FORBIDDEN');
  expect(codeOf(await stack.gql(REVIEW, approve, { token: stranger.accessToken }))).toBe('FORBIDDEN');

  // Bad input names the field; nothing is decided.
  const bad = async (variables: Record<string, unknown>) => {
    const res = await stack.gql(REVIEW, variables, { token: admin.accessToken });
    return [codeOf(res), res.errors?.[0]?.extensions?.field];
  };
  expect(await bad({ id: ids[0], decision: 'APPROVE' })).toEqual(['BAD_USER_INPUT', 'corrections.totalCents']);
  expect(await bad({ id: ids[0], decision: 'APPROVE', corrections: { totalCents: 100 } })).toEqual([
    'BAD_USER_INPUT',
    'corrections.purchasedAt',
  ]);
  expect(await bad({ ...approve, corrections: { ...approve.corrections, totalCents: -5 } })).toEqual([
    'BAD_USER_INPUT',
    'corrections.totalCents',
  ]);
  expect(await bad({ ...approve, corrections: { ...approve.corrections, currency: 'EURO' } })).toEqual([
    'BAD_USER_INPUT',
    'corrections.currency',
  ]);
  expect(await bad({ ...approve, corrections: { ...approve.corrections, merchantTaxId: 'B12345670' } })).toEqual([
    'BAD_USER_INPUT',
    'corrections.merchantTaxId',
  ]);
  expect(await bad({ id: ids[1], decision: 'REJECT', reason: 'x'.repeat(41) })).toEqual(['BAD_USER_INPUT', 'reason']);
  expect(await bad({ ...approve, id: 'not-a-uuid' })).toEqual(['BAD_USER_INPUT', 'id']);
  expect(
    codeOf(
      await stack.gql(REVIEW, { ...approve, id: '00000000-0000-4000-8000-000000000000' }, { token: admin.accessToken }),
    ),
  ).toBe('NOT_FOUND');
  expect(codeOf(await stack.gql(REVIEW, { ...approve, id: approvedFirst }, { token: admin.accessToken }))).toBe(
    'CONFLICT',
  );
  for (const id of ids)
    expect((await ok(stack, RECEIPT, { id }, user.accessToken)).receipt.status).toBe('NEEDS_REVIEW');

  // Approved with corrections: MANUAL, the points of its total (5 + 23).
  const pointsBefore = (await ok(stack, `{ me { points } }`, {}, user.accessToken)).me.points as number;
  const approved = (await ok(stack, REVIEW, approve, admin.accessToken)).reviewReceipt;
  expect(approved).toMatchObject({
    id: ids[0],
    status: 'APPROVED',
    method: 'MANUAL',
    totalCents: 2350,
    currency: 'EUR',
    rejectionReason: null,
  });
  await eventually(
    async () => (await ok(stack, `{ me { points } }`, {}, user.accessToken)).me.points === pointsBefore + 28,
    {
      what: 'the points of the reviewed receipt',
    },
  );
  expect(codeOf(await stack.gql(REVIEW, approve, { token: admin.accessToken }))).toBe('CONFLICT');

  // Rejected, with and without a reason.
  const rejected = (
    await ok(stack, REVIEW, { id: ids[1], decision: 'REJECT', reason: 'ILLEGIBLE_PHOTO' }, admin.accessToken)
  ).reviewReceipt;
  expect([rejected.status, rejected.rejectionReason]).toEqual(['REJECTED', 'ILLEGIBLE_PHOTO']);

  // An approval still goes through the rules: corrected to an implausible date, or to a purchase already accepted.
  const future = (
    await ok(
      stack,
      REVIEW,
      {
        ...approve,
        id: ids[2],
        corrections: { ...approve.corrections, purchasedAt: new Date(Date.now() + 3 * DAY).toISOString() },
      },
      admin.accessToken,
    )
  ).reviewReceipt;
  expect([future.status, future.rejectionReason]).toEqual(['REJECTED', 'FUTURE_DATE']);
  const again = (
    await ok(
      stack,
      REVIEW,
      {
        ...approve,
        id: ids[3],
        corrections: { ...approve.corrections, merchantTaxId: 'b-12345674', receiptNumber: 'R-ORIGINAL' },
      },
      admin.accessToken,
    )
  ).reviewReceipt;
  expect(again).toMatchObject({ status: 'DUPLICATE', duplicateOf: { id: approvedFirst } });

  const left = (await ok(stack, TO_REVIEW, { first: 100 }, admin.accessToken)).receiptsToReview;
  expect(left.edges.filter((e: any) => ids.includes(e.node.id))).toEqual([]);
}, 240_000);
