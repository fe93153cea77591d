import { KeyedGate } from '../src/in-flight';

const open = () => new AbortController();

test('a key runs up to its limit at once; the rest wait in arrival order and get the slot a leaver frees', async () => {
  const gate = new KeyedGate(10);
  const first = await gate.enter('a', 2, 10_000, open().signal);
  const second = await gate.enter('a', 2, 10_000, open().signal);
  expect([typeof first, typeof second]).toEqual(['function', 'function']);
  const admitted: string[] = [];
  const third = gate.enter('a', 2, 10_000, open().signal).then((r) => (admitted.push('third'), r));
  const fourth = gate.enter('a', 2, 10_000, open().signal).then((r) => (admitted.push('fourth'), r));
  expect(gate.load('a')).toEqual({ running: 2, waiting: 2 });
  // Another key is not held up by this one.
  expect(typeof (await gate.enter('b', 2, 10_000, open().signal))).toBe('function');

  (first as () => void)();
  const leaveThird = await third;
  expect(admitted).toEqual(['third']);
  expect(gate.load('a')).toEqual({ running: 2, waiting: 1 });
  // Leaving twice frees one slot, not two.
  (first as () => void)();
  expect(gate.load('a')).toEqual({ running: 2, waiting: 1 });

  (second as () => void)();
  const leaveFourth = await fourth;
  expect(admitted).toEqual(['third', 'fourth']);
  (leaveThird as () => void)();
  (leaveFourth as () => void)();
  expect(gate.load('a')).toEqual({ running: 0, waiting: 0 });
});

test('past maxQueued waiting, a request is refused at once with QUEUE_FULL', async () => {
  const gate = new KeyedGate(1);
  const leave = (await gate.enter('a', 1, 10_000, open().signal)) as () => void;
  const waiting = gate.enter('a', 1, 10_000, open().signal);
  await expect(gate.enter('a', 1, 10_000, open().signal)).resolves.toBe('QUEUE_FULL');
  leave();
  expect(typeof (await waiting)).toBe('function');
});

test('a request that waited maxWaitMs is refused and leaves the line', async () => {
  const gate = new KeyedGate(5);
  const leave = (await gate.enter('a', 1, 10_000, open().signal)) as () => void;
  await expect(gate.enter('a', 1, 20, open().signal)).resolves.toBe('WAITED_TOO_LONG');
  expect(gate.load('a')).toEqual({ running: 1, waiting: 0 });
  leave();
  expect(gate.load('a')).toEqual({ running: 0, waiting: 0 });
});

test('a waiter whose request ends (aborted) leaves the line and never takes a slot', async () => {
  const gate = new KeyedGate(5);
  const leave = (await gate.enter('a', 1, 10_000, open().signal)) as () => void;
  const aborted = open();
  const gone = gate.enter('a', 1, 10_000, aborted.signal);
  const next = gate.enter('a', 1, 10_000, open().signal);
  aborted.abort();
  await expect(gone).resolves.toBe('ABANDONED');
  expect(gate.load('a')).toEqual({ running: 1, waiting: 1 });
  leave();
  const leaveNext = (await next) as () => void;
  expect(gate.load('a')).toEqual({ running: 1, waiting: 0 });
  leaveNext();
});
