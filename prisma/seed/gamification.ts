import type { Tx } from '../../shared/db';
import { Ledger } from '../../subgraphs/gamification/src/domain/ledger';
import { GamificationNotices } from '../../subgraphs/gamification/src/realtime';
import { DEFAULT_SETTINGS } from '../../subgraphs/gamification/src/settings';

/**
 * Gamification demo data, in Spanish: earning rules (a double-points weekend among them),
 * levels, badges, rewards and a live challenge, and some history for the demo customer,
 * posted through the ledger like any other points (so balances, levels and leaderboards agree
 * with it). Called by `seedDemoData` on a fresh database only.
 */
const DAY = 86_400_000;

export async function seedGamificationData(tx: Tx, customerId: string, now = new Date()): Promise<void> {
  const nextSaturday = new Date(now.getTime() + ((6 - now.getUTCDay() + 7) % 7) * DAY);
  nextSaturday.setUTCHours(0, 0, 0, 0);
  await tx.earningRule.createMany({
    data: [
      { name: 'Compra', trigger: 'ORDER_PAID', fixedPoints: 10, pointsPerUnit: 1, dailyCap: 500 },
      { name: 'Merchandising', trigger: 'MERCHANDISE_BOUGHT', fixedPoints: 15 },
      { name: 'Asistencia a un evento', trigger: 'TICKET_CHECKED_IN', fixedPoints: 50, dailyCap: 150, weeklyCap: 400 },
      { name: 'Valoración de soporte', trigger: 'SUPPORT_TICKET_RATED', fixedPoints: 5, weeklyCap: 20 },
      { name: 'Bienvenida', trigger: 'ACCOUNT_REGISTERED', fixedPoints: 25 },
      { name: 'Ticket de compra', trigger: 'RECEIPT_APPROVED', fixedPoints: 5, pointsPerUnit: 1, dailyCap: 200 },
      {
        name: 'Fin de semana de puntos dobles',
        trigger: 'TICKET_CHECKED_IN',
        fixedPoints: 25,
        multiplier: 2,
        activeFrom: nextSaturday,
        activeUntil: new Date(nextSaturday.getTime() + 2 * DAY),
      },
    ],
  });
  await tx.level.createMany({
    data: [
      { name: 'Espectador', threshold: 0, description: 'Bienvenido a la comunidad.', perks: [] },
      { name: 'Habitual', threshold: 200, description: 'Ya conoces la casa.', perks: ['Acceso anticipado a la venta'] },
      {
        name: 'Fan',
        threshold: 600,
        description: 'No te pierdes una.',
        perks: ['Acceso anticipado a la venta', '5 % de descuento en merchandising'],
      },
      {
        name: 'Leyenda',
        threshold: 1500,
        description: 'Parte del escenario.',
        perks: ['Cola preferente', 'Regalo anual'],
      },
    ],
  });
  await tx.badge.createMany({
    data: [
      {
        name: 'Primer evento',
        description: 'Asististe a tu primer evento.',
        kind: 'FIRST_TIME',
        requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 1 }],
      },
      {
        name: 'Diez eventos',
        description: 'Asististe a diez eventos.',
        kind: 'THRESHOLD',
        requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 10 }],
      },
      {
        name: 'Maratón',
        description: 'Tres eventos en siete días.',
        kind: 'WINDOWED',
        windowDays: 7,
        requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 3 }],
      },
      {
        name: 'Racha de cuatro semanas',
        description: 'Un evento cada semana, cuatro semanas seguidas.',
        kind: 'STREAK',
        requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 4 }],
      },
      {
        name: 'Fan completo',
        description: 'Tres eventos y algo de merchandising.',
        kind: 'COMBO',
        requirements: [
          { trigger: 'TICKET_CHECKED_IN', count: 3 },
          { trigger: 'MERCHANDISE_BOUGHT', count: 1 },
        ],
      },
    ],
  });
  await tx.reward.createMany({
    data: [
      {
        name: 'Bebida gratis',
        description: 'Un refresco o una cerveza en la barra.',
        cost: 100,
        stock: null,
        remaining: null,
      },
      {
        name: 'Camiseta oficial',
        description: 'Edición limitada.',
        cost: 400,
        stock: 50,
        remaining: 50,
        perUserLimit: 1,
      },
      {
        name: 'Entrada doble',
        description: 'Dos entradas para un evento a elegir.',
        cost: 1200,
        stock: 10,
        remaining: 10,
        perUserLimit: 1,
      },
    ],
  });

  // A live challenge the demo customer has joined.
  const challenge = await tx.challenge.create({
    data: {
      name: 'Reto de temporada: 300 puntos',
      description: 'Gana 300 puntos en dos semanas y llévate 100 más.',
      startsAt: new Date(now.getTime() - 3 * DAY),
      endsAt: new Date(now.getTime() + 14 * DAY),
      goalKind: 'POINTS',
      goal: 300,
      rewardPoints: 100,
    },
  });
  await tx.challengeParticipant.create({ data: { challengeId: challenge.id, userId: customerId, joinedAt: now } });

  // The demo customer's history: two purchases and a thank-you from the team (the welcome
  // points come from the `UserChanged` the users seed emits, like everyone's).
  const ledger = new Ledger(DEFAULT_SETTINGS.timeZone);
  const notices = new GamificationNotices();
  const rules = new Map((await tx.earningRule.findMany()).map((r) => [r.name, r.id]));
  for (const [daysAgo, amount, reason, kind] of [
    [21, 95, 'Compra', 'AWARD'],
    [7, 70, 'Compra', 'AWARD'],
    [2, 30, 'Gracias por ayudarnos a probar la app', 'ADJUSTMENT'],
  ] as const)
    await ledger.post(
      tx,
      {
        userId: customerId,
        amount,
        kind,
        reason,
        ruleId: kind === 'AWARD' ? rules.get(reason)! : null,
        occurredAt: new Date(now.getTime() - daysAgo * DAY),
      },
      notices,
    );
}
