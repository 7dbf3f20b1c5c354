/**
 * The simulated system: service names, their HTTP routes and who calls whom. With the default five
 * services: frontend → checkout → (payments, db), frontend → inventory → db. More services are
 * called by the frontend; fewer drop the missing edges.
 */
const KNOWN_SERVICES = [
  'frontend',
  'checkout',
  'payments',
  'db',
  'inventory',
  'search',
  'auth',
  'shipping',
  'recommendations',
  'email',
  'cart',
  'pricing',
] as const

const KNOWN_EDGES: readonly (readonly [string, string])[] = [
  ['frontend', 'checkout'],
  ['checkout', 'payments'],
  ['checkout', 'db'],
  ['frontend', 'inventory'],
  ['inventory', 'db'],
  ['frontend', 'search'],
  ['frontend', 'auth'],
  ['checkout', 'shipping'],
  ['frontend', 'recommendations'],
  ['checkout', 'email'],
  ['frontend', 'cart'],
  ['cart', 'pricing'],
]

const ROUTES: Readonly<Record<string, readonly string[]>> = {
  frontend: ['/', '/product/{id}', '/cart', '/checkout', '/search'],
  checkout: ['/api/checkout', '/api/orders/{id}', '/api/quote'],
  payments: ['/v1/charge', '/v1/refund', '/v1/authorize'],
  db: ['SELECT orders', 'INSERT orders', 'SELECT stock', 'UPDATE stock'],
  inventory: ['/stock/{sku}', '/reserve', '/release'],
  search: ['/search', '/suggest'],
  auth: ['/login', '/token', '/logout'],
  shipping: ['/quote', '/ship'],
  recommendations: ['/recommend'],
  email: ['/send'],
  cart: ['/cart/{id}', '/cart/{id}/items'],
  pricing: ['/price'],
}

export interface Topology {
  readonly services: readonly string[]
  /** Per service index: the service indexes it calls, in call order. */
  readonly callees: readonly (readonly number[])[]
  /** Per service index: the service indexes that call it. */
  readonly callers: readonly (readonly number[])[]
  /** Per service index: its route names (HTTP routes, or statements for `db`). */
  readonly routes: readonly (readonly string[])[]
}

export function serviceNames(count: number): string[] {
  const names: string[] = []
  for (let i = 0; i < count; i++) names.push(KNOWN_SERVICES[i] ?? `service-${i + 1}`)
  return names
}

export function buildTopology(count: number): Topology {
  const services = serviceNames(count)
  const callees: number[][] = services.map(() => [])
  const callers: number[][] = services.map(() => [])
  const link = (from: number, to: number): void => {
    callees[from]!.push(to)
    callers[to]!.push(from)
  }
  for (const [from, to] of KNOWN_EDGES) {
    const a = services.indexOf(from)
    const b = services.indexOf(to)
    if (a >= 0 && b >= 0) link(a, b)
  }
  for (let i = KNOWN_SERVICES.length; i < count; i++) link(0, i)
  const routes = services.map((s) => ROUTES[s] ?? ['/api/work', '/api/status'])
  return { services, callees, callers, routes }
}

/** The HTTP method (or SQL verb, for `db` statements) a route is called with. */
export function routeMethod(route: string): string {
  const sql = /^(SELECT|INSERT|UPDATE|DELETE)\b/.exec(route)
  if (sql !== null) return sql[1]!
  return /charge|reserve|release|checkout|send|ship|login|token|refund|authorize|items/.test(route)
    ? 'POST'
    : 'GET'
}
