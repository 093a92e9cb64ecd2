// Signs a test citizen in through the API (the one-time code read from the
// SMS simulator's outbox, as the end-to-end tests do), starts a draft of a
// service, applies for a passport and starts paying its fee (the payment
// left at the provider's page), has the civil registry record a birth to it
// (so the window makes it an offer), and prints `cookie` and the ids the
// signed-in pages with an id are measured on, one `name value` line each (a
// record the persona still lacks is printed as `-`).
//   node bench/lighthouse/session.mjs BASE_URL ADMIN_URL
const [base, admin] = process.argv.slice(2);
const NATIONAL_CODE = '0078912342';
const MOBILE = '09129999999';
const same = { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
let cookie = '';

async function call(method, path, body) {
  const res = await fetch(base + path, { method, headers: { ...same, cookie }, body: body && JSON.stringify(body), redirect: 'manual' });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const name = pair.split('=')[0];
    cookie = [...cookie.split('; ').filter((p) => p && !p.startsWith(`${name}=`)), pair].join('; ');
  }
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const adminAuth = { authorization: 'Bearer dev-admin-key' };
const sms = (await (await fetch(`${admin}/agencies`, { headers: adminAuth })).json()).sms;
const outbox = async () => (await (await fetch(`${sms}/outbox?mobile=${MOBILE}`, { headers: { authorization: 'Bearer dev-sms-key' } })).json()).items;
const before = (await outbox())[0]?.id;
await call('POST', '/api/auth/start', { national_code: NATIONAL_CODE, mobile: MOBILE });
let code;
for (let i = 0; i < 50 && !code; i++) {
  const fresh = await outbox();
  const end = fresh.findIndex((m) => m.id === before);
  code = fresh.slice(0, end === -1 ? fresh.length : end).map((m) => m.text.match(/\d{6}/)?.[0]).find(Boolean);
  if (!code) await new Promise((r) => setTimeout(r, 200));
}
await call('POST', '/api/auth/verify', { code });
const draft = await call('POST', '/api/drafts', { service: 'passport-issuance', values: {} });
// A request waiting for its fee, and the fee's payment, started.
const application = await call('POST', '/api/drafts', { service: 'passport-issuance', values: { purpose: 'tourism' } });
const values = { purpose: 'tourism', travel_date: '۱۴۰۵/۰۹/۲۰', postal_code: '1314567891', mobile: MOBILE };
await call('PUT', `/api/drafts/${application.id}`, { values, step: 2 });
const request = await call('POST', `/api/drafts/${application.id}/submit`, {});
await call('POST', `/api/requests/${request.id}/payment`, { idempotency_key: `lighthouse-${Date.now()}` }).catch(() => undefined);
const first = async (path, key) => (await call('GET', path).catch(() => ({})))[key]?.[0]?.id ?? '-';
// An offer: the civil registry records a birth to this citizen, and the
// window makes its offer from the event (the smart-services journey).
if ((await first('/api/offers', 'items')) === '-') {
  const born = await fetch(`${admin}/events/sabt-ahval`, {
    method: 'POST',
    headers: { ...adminAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'birth', person: NATIONAL_CODE }),
  });
  if (!born.ok) throw new Error(`the registry's birth event: ${born.status} ${await born.text()}`);
  for (let i = 0; i < 100 && (await first('/api/offers', 'items')) === '-'; i++) await new Promise((r) => setTimeout(r, 200));
}
console.log(`cookie ${cookie}`);
console.log(`draft ${draft.id}`);
console.log(`request ${await first('/api/requests', 'items')}`);
console.log(`payment ${await first('/api/payments', 'items')}`);
console.log(`offer ${await first('/api/offers', 'items')}`);
