import type { Role } from '../generated/prisma/client';
import type { Tx } from '../../shared/db';
import { hashPassword } from '../../subgraphs/users/src/domain/passwords';
import { announceUser } from '../../subgraphs/users/src/domain/events';

/**
 * Accounts demo data: one account per role and generated Spanish-speaking customers. Every
 * account is announced with `UserChanged` in the seed's transaction, as registration does, so
 * support's user directory learns them (the demo AGENT takes assignments) from the outbox.
 */
export const DEMO_PASSWORD = 'demo-password';

/** One account per role; `npm start` prints these. */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'admin@example.com', name: 'Ana Administradora', role: 'ADMIN' },
  { email: 'organizer@example.com', name: 'Óscar Organizador', role: 'ORGANIZER' },
  { email: 'scanner@example.com', name: 'Sara Escáner', role: 'SCANNER' },
  { email: 'agent@example.com', name: 'Alberto Agente', role: 'AGENT' },
  { email: 'customer@example.com', name: 'Carmen Cliente', role: 'CUSTOMER' },
];

const GENERATED_CUSTOMERS = 36;
/** Fixed, so every fresh database gets the same customers. */
const FAKER_SEED = 20240601;

/** Completes "Me encanta ..." in the generated bios. */
const INTERESTS = [
  'ir a conciertos de rock',
  'ir al teatro',
  'recorrer festivales de verano',
  'ver fútbol en el estadio',
  'escuchar música clásica',
  'bailar flamenco',
  'descubrir cine de autor',
  'probar restaurantes nuevos',
  'reírme en los monólogos',
  'escuchar jazz en directo',
];

/** Seeds the users in `tx`; returns the demo accounts' ids by role. */
export async function seedUsersData(tx: Tx): Promise<Record<Role, string>> {
  // scrypt costs ~70 ms per hash: hash once and share it (every demo account has the same
  // password anyway; the salt being shared is irrelevant for demo data).
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const demo = DEMO_ACCOUNTS.map((a) => ({
    email: a.email,
    name: a.name,
    roles: [a.role],
    passwordHash,
    locale: 'es-ES',
    // The demo accounts' addresses count as proven, so the journey can claim widget tickets.
    emailVerifiedAt: new Date(),
  }));
  await tx.user.createMany({
    data: [...demo, ...(await generatedCustomers(passwordHash, new Set(demo.map((d) => d.email))))],
  });
  // The table was empty (seedDemoData checks under its lock): every user is one just created.
  const created = await tx.user.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  for (const user of created) await announceUser(tx, user);
  const rows = created.filter((u) => DEMO_ACCOUNTS.some((a) => a.email === u.email));
  const idOf = new Map(rows.map((r) => [r.email, r.id]));
  return Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.role, idOf.get(a.email)!])) as Record<Role, string>;
}

async function generatedCustomers(passwordHash: string, taken: Set<string>) {
  // @faker-js/faker is ESM-only: a CommonJS module loads it with import().
  const { fakerES: faker } = await import('@faker-js/faker');
  faker.seed(FAKER_SEED);
  return Array.from({ length: GENERATED_CUSTOMERS }, () => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const city = faker.location.city();
    return {
      email: uniqueEmail(faker.internet.email({ firstName, lastName: lastName.split(' ')[0] }), taken),
      name: `${firstName} ${lastName}`.slice(0, 120),
      roles: ['CUSTOMER'] as Role[],
      passwordHash,
      phone: faker.phone.number({ style: 'international' }),
      locale: 'es-ES',
      avatarUrl: faker.image.avatar(),
      bio: `Vivo en ${city}. Me encanta ${faker.helpers.arrayElement(INTERESTS)}.`,
      createdAt: faker.date.past({ years: 2, refDate: new Date('2024-06-01T00:00:00Z') }),
    };
  });
}

/** Lower-case ASCII (accents stripped), unique within the seed. */
function uniqueEmail(raw: string, taken: Set<string>): string {
  const [local, domain] = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split('@') as [string, string];
  let email = `${local}@${domain}`;
  for (let n = 2; taken.has(email); n++) email = `${local}${n}@${domain}`;
  taken.add(email);
  return email;
}
