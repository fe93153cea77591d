import type { Tx } from '../../shared/db';

/**
 * Help-desk demo data: categories and published FAQs in Spanish and English, and the demo
 * AGENT's availability. Called by `seedDemoData` on a fresh database only.
 */
const CATEGORIES = [
  { slug: 'entradas', name: 'Entradas y eventos', description: 'Compra, descarga y validación de entradas.' },
  { slug: 'pedidos', name: 'Pedidos y envíos', description: 'Estado de pedidos, envíos y entregas.' },
  { slug: 'devoluciones', name: 'Devoluciones y reembolsos', description: 'Devoluciones de productos y reembolsos.' },
];

const FAQS = [
  {
    category: 'devoluciones',
    locale: 'es-ES',
    question: '¿Cómo solicito una devolución?',
    answer:
      'Abre un ticket desde **Mis pedidos** en los 30 días siguientes a la entrega. Las devoluciones se reembolsan en el mismo medio de pago.',
  },
  {
    category: 'pedidos',
    locale: 'es-ES',
    question: '¿Cuándo llega mi envío?',
    answer: 'Los envíos tardan de 2 a 5 días laborables. Recibirás el número de seguimiento por email.',
  },
  {
    category: 'entradas',
    locale: 'es-ES',
    question: 'No encuentro mi entrada, ¿qué hago?',
    answer:
      'Tus entradas están en **Mis entradas**, con su código QR. Si no aparecen, escríbenos indicando el número de pedido.',
  },
  {
    category: 'devoluciones',
    locale: 'en',
    question: 'How do I get a refund?',
    answer:
      'Open a ticket from **My orders** within 30 days of delivery. Refunds go back to the original payment method.',
  },
  {
    category: 'entradas',
    locale: 'en',
    question: 'Can I transfer my ticket to a friend?',
    answer: 'Not yet: tickets are personal. Contact support if you cannot attend.',
  },
];

/**
 * Seeds the help desk in `tx`; `agentId` is available for automatic assignment. Support learns
 * that the agent is an active AGENT from the `UserChanged` the users seed emits (its directory).
 */
export async function seedSupportData(tx: Tx, agentId: string): Promise<void> {
  await tx.supportCategory.createMany({ data: CATEGORIES });
  const bySlug = new Map((await tx.supportCategory.findMany()).map((c) => [c.slug, c.id]));
  await tx.faq.createMany({
    data: FAQS.map((f) => ({
      question: f.question,
      answer: f.answer,
      locale: f.locale,
      published: true,
      categoryId: bySlug.get(f.category) ?? null,
    })),
  });
  await tx.agentAvailability.create({ data: { agentId, available: true, maxOpenTickets: 20 } });
}
