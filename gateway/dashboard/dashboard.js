// The dashboard page: signs in through the API, reads `dashboard`, then follows
// `dashboardUpdated` over graphql-ws (the client is graphql-ws's own browser build, served by
// the gateway from node_modules). No build step: plain browser JavaScript.
/* global graphqlWs */
'use strict';

const FIGURES = `organizerId eventId timezone day ticketsSoldToday checkInsToday openSupportTickets pointsAwardedToday updatedAt
  salesToday { currency orders netCents }
  salesByHour { label currency netCents }
  recentCheckIns { checkedInAt event { title } }
  supportQueue { number priority channel createdAt supportTicket { subject } }`;
const QUERY = `query { dashboard { ${FIGURES} } }`;
const SUBSCRIPTION = `subscription { dashboardUpdated { ${FIGURES} } }`;
const TOKEN_KEY = 'dashboard.accessToken';

const $ = (id) => document.getElementById(id);
const httpUrl = new URL('/graphql', location.href).toString();
const wsUrl = httpUrl.replace(/^http/, 'ws');
let client;
let liveUpdates = 0;

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

async function gql(query, variables, token) {
  const res = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

const codeOf = (errors) => errors?.[0]?.extensions?.code;

const money = (cents, currency) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);

function item(text, data = {}) {
  const li = document.createElement('li');
  li.textContent = text;
  Object.assign(li.dataset, data);
  return li;
}

/** Bars of the day's net sales per local hour, in the first currency sold today. */
function drawChart(d) {
  const svg = $('chart');
  svg.replaceChildren();
  const currency = d.salesToday[0]?.currency;
  const hours = d.salesByHour.filter((h) => h.currency === currency);
  const max = Math.max(1, ...hours.map((h) => h.netCents));
  const ns = 'http://www.w3.org/2000/svg';
  for (let hour = 0; hour < 24; hour++) {
    const label = `${String(hour).padStart(2, '0')}:00`;
    const cents = hours.filter((h) => h.label === label).reduce((sum, h) => sum + h.netCents, 0);
    const height = Math.round((Math.max(0, cents) / max) * 160);
    const bar = document.createElementNS(ns, 'rect');
    Object.entries({
      x: hour * 30 + 4,
      y: 175 - height,
      width: 22,
      height,
      'data-hour': label,
      'data-cents': cents,
    }).forEach(([k, v]) => bar.setAttribute(k, String(v)));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${label}: ${currency ? money(cents, currency) : '0'}`;
    bar.append(title);
    svg.append(bar);
    if (hour % 3 === 0) {
      const text = document.createElementNS(ns, 'text');
      text.setAttribute('x', String(hour * 30 + 2));
      text.setAttribute('y', '195');
      text.textContent = label;
      svg.append(text);
    }
  }
}

function render(d) {
  $('scope').textContent = d.eventId ? `event ${d.eventId}` : d.organizerId ? 'your sales' : 'the whole platform';
  $('day').textContent = d.day;
  $('timezone').textContent = d.timezone;
  $('updated-at').textContent = new Date(d.updatedAt).toLocaleTimeString(undefined, { timeZone: d.timezone });
  $('sales-today').replaceChildren(
    ...(d.salesToday.length
      ? d.salesToday.map((s) => item(money(s.netCents, s.currency), { currency: s.currency, netCents: s.netCents }))
      : [item('—')]),
  );
  $('orders-today').textContent = String(d.salesToday.reduce((n, s) => n + s.orders, 0));
  $('tickets-today').textContent = String(d.ticketsSoldToday);
  $('check-ins-today').textContent = String(d.checkInsToday);
  const platform = d.openSupportTickets !== null;
  for (const el of document.querySelectorAll('.platform-only')) el.hidden = !platform;
  $('open-support').textContent = String(d.openSupportTickets ?? 0);
  $('points-today').textContent = String(d.pointsAwardedToday ?? 0);
  $('check-ins').replaceChildren(
    ...(d.recentCheckIns.length
      ? d.recentCheckIns.map((c) =>
          item(
            `${new Date(c.checkedInAt).toLocaleTimeString(undefined, { timeZone: d.timezone })} · ${c.event?.title ?? 'an event'}`,
          ),
        )
      : [item('none yet')]),
  );
  const queue = d.supportQueue ?? [];
  $('support-queue').replaceChildren(
    ...(queue.length
      ? queue.map((t) => item(`#${t.number} ${t.priority} · ${t.supportTicket?.subject ?? ''} (${t.channel})`))
      : [item('empty')]),
  );
  drawChart(d);
}

function denied() {
  $('dashboard').hidden = true;
  $('denied').hidden = false;
  $('denied').textContent = 'Access denied: dashboards are for organizers and administrators.';
  setStatus('signed-in', 'signed in');
}

function signedOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  void client?.dispose();
  client = undefined;
  $('dashboard').hidden = true;
  $('denied').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').hidden = !message;
  $('sign-in-error').textContent = message ?? '';
  setStatus('signed-out', 'signed out');
}

/** Reads the figures; false when the viewer may not see them. */
async function load(token) {
  const res = await gql(QUERY, {}, token);
  const code = codeOf(res.errors);
  if (code === 'UNAUTHENTICATED') return (signedOut('Your session has ended: sign in again.'), false);
  if (code === 'FORBIDDEN' || !res.data?.dashboard) return (denied(), false);
  render(res.data.dashboard);
  return true;
}

async function show(token) {
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  if (!(await load(token))) return;
  $('dashboard').hidden = false;
  client = graphqlWs.createClient({
    url: wsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      // Events sent while the socket was down are gone: read the figures again on reconnect.
      connected: (_socket, _payload, wasRetry) => {
        setStatus('live', 'live');
        if (wasRetry) void load(token);
      },
      closed: () => setStatus('offline', 'reconnecting…'),
    },
  });
  client.subscribe(
    { query: SUBSCRIPTION },
    {
      next: (result) => {
        if (codeOf(result.errors) === 'FORBIDDEN') return denied();
        if (!result.data?.dashboardUpdated) return;
        liveUpdates++;
        $('live-updates').textContent = String(liveUpdates);
        $('live-updates').dataset.count = String(liveUpdates);
        render(result.data.dashboardUpdated);
      },
      error: (errors) => (codeOf(Array.isArray(errors) ? errors : []) === 'FORBIDDEN' ? denied() : undefined),
      complete: () => undefined,
    },
  );
}

$('sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const res = await gql('mutation($input: LoginInput!) { login(input: $input) { accessToken } }', {
    input: { email: form.get('email'), password: form.get('password') },
  });
  const token = res.data?.login?.accessToken;
  if (!token) return signedOut(res.errors?.[0]?.message ?? 'Could not sign in');
  sessionStorage.setItem(TOKEN_KEY, token);
  $('sign-in-error').hidden = true;
  await show(token);
});

$('sign-out').addEventListener('click', () => signedOut());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void show(saved);
