import type { Tx } from '../../shared/db';
import * as events from '../../subgraphs/tickets/src/data/events';
import * as ticketTypes from '../../subgraphs/tickets/src/data/ticket-types';
import { announcePublished, announceTicketType } from '../../subgraphs/tickets/src/domain/events';

/**
 * Events demo data: published events run by the demo ORGANIZER in Spanish cities, each with
 * its ticket types, and the demo SCANNER as door staff of the first one. Every ticket type is
 * announced with `TicketTypeChanged` in the seed's transaction, as the tickets subgraph does,
 * so the orders subgraph builds its copy (what checkout sells) from the outbox when it starts,
 * and every event with `EventPublished`, so support knows customers may refer to it.
 * Called by `seedDemoData` on a fresh database only.
 */
const TIMEZONE = 'Europe/Madrid';

interface DemoEvent {
  title: string;
  description: string;
  venue: { name: string; address: string; city: string };
  /** Days from the seeding day, and the local start time in Madrid. */
  inDays: number;
  startsAt: string;
  hours: number;
  ticketTypes: { name: string; priceCents: number; capacity: number; maxPerOrder?: number }[];
}

const EVENTS: DemoEvent[] = [
  {
    title: 'Festival de Jazz de Madrid: noche inaugural',
    description: 'Un cuarteto de jazz contemporáneo y una big band abren el festival bajo la carpa del Price.',
    venue: { name: 'Teatro Circo Price', address: 'Ronda de Atocha, 35, 28012 Madrid', city: 'Madrid' },
    inDays: 14,
    startsAt: '20:30',
    hours: 3,
    ticketTypes: [
      { name: 'Entrada general', priceCents: 3500, capacity: 400 },
      { name: 'Palco', priceCents: 6000, capacity: 40, maxPerOrder: 4 },
    ],
  },
  {
    title: 'Gala de ópera en el Palau',
    description: 'Arias de Verdi y Puccini con la orquesta de cámara del Palau y solistas invitados.',
    venue: {
      name: 'Palau de la Música Catalana',
      address: 'Carrer del Palau de la Música, 4-6, 08003 Barcelona',
      city: 'Barcelona',
    },
    inDays: 30,
    startsAt: '19:00',
    hours: 2.5,
    ticketTypes: [
      { name: 'Anfiteatro', priceCents: 2800, capacity: 500 },
      { name: 'Platea', priceCents: 4500, capacity: 600 },
      { name: 'Palco de honor', priceCents: 9500, capacity: 24, maxPerOrder: 4 },
    ],
  },
  {
    title: 'Noche flamenca en Triana',
    description: 'Cante, toque y baile con artistas de la nueva escena flamenca sevillana.',
    venue: { name: 'Teatro Lope de Vega', address: 'Av. de María Luisa, s/n, 41013 Sevilla', city: 'Sevilla' },
    inDays: 45,
    startsAt: '21:00',
    hours: 2,
    ticketTypes: [
      { name: 'Entrada general', priceCents: 2500, capacity: 700 },
      { name: 'Primeras filas', priceCents: 4000, capacity: 80 },
    ],
  },
  {
    title: 'Valencia Dev Summit',
    description: 'Una jornada de charlas y talleres sobre desarrollo web, datos e IA junto al Turia.',
    venue: {
      name: 'Museu de les Ciències',
      address: 'Av. del Professor López Piñero, 7, 46013 Valencia',
      city: 'Valencia',
    },
    inDays: 60,
    startsAt: '09:00',
    hours: 9,
    ticketTypes: [
      { name: 'Entrada general', priceCents: 7900, capacity: 900 },
      { name: 'VIP (con comida y networking)', priceCents: 14900, capacity: 100, maxPerOrder: 5 },
    ],
  },
];

/** Seeds the events in `tx`; `scannerId` becomes door staff of the first (the soonest) one. */
export async function seedTicketsData(tx: Tx, organizerId: string, scannerId: string): Promise<void> {
  for (const [index, demo] of EVENTS.entries()) {
    const startsAt = madridTime(demo.inDays, demo.startsAt);
    const event = await events.createEvent(tx, {
      organizerId,
      title: demo.title,
      description: demo.description,
      venueName: demo.venue.name,
      venueAddress: demo.venue.address,
      venueCity: demo.venue.city,
      venueCountry: 'ES',
      startsAt,
      endsAt: new Date(startsAt.getTime() + demo.hours * 3_600_000),
      timezone: TIMEZONE,
      status: 'PUBLISHED',
    });
    await announcePublished(tx, event, new Date());
    for (const t of demo.ticketTypes) {
      const type = await ticketTypes.createTicketType(tx, {
        eventId: event.id,
        name: t.name,
        priceCents: t.priceCents,
        currency: 'EUR',
        capacity: t.capacity,
        maxPerOrder: t.maxPerOrder ?? 10,
      });
      await announceTicketType(tx, event, type);
    }
    if (index === 0) await events.assignScanner(tx, event.id, scannerId, organizerId);
  }
}

/** The instant when it is `time` (HH:MM) in Madrid, `days` days from today. */
function madridTime(days: number, time: string): Date {
  const day = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const asUtc = new Date(`${day}T${time}:00Z`);
  // Madrid's offset at that moment, e.g. "GMT+02:00" in summer ("GMT+01:00" in winter).
  const zone = new Intl.DateTimeFormat('en', { timeZone: TIMEZONE, timeZoneName: 'longOffset' })
    .formatToParts(asUtc)
    .find((p) => p.type === 'timeZoneName')!.value;
  const [, sign, hh, mm] = /GMT([+-])(\d\d):(\d\d)/.exec(zone)!;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
  return new Date(asUtc.getTime() - offsetMs);
}
