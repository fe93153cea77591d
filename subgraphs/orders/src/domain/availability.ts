/** What remains to sell: the counters' one rule, for every field that shows it. */

/** Tickets of a ticket type still for sale: capacity minus held minus sold. */
export const ticketsLeft = (t: { capacity: number; held: number; sold: number }): number =>
  Math.max(0, t.capacity - t.held - t.sold);

/** Units of a stock row still for sale: on hand minus held. */
export const unitsLeft = (s: { onHand: number; held: number }): number => Math.max(0, s.onHand - s.held);
