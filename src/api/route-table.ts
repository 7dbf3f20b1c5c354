import type { HttpMethod, PathParams, Route } from './route.js'

/** What a request's method and path resolve to. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: PathParams }
  | { readonly kind: 'not_found' }
  /** The path is known, not with this method; `allow` lists the methods it has. */
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly HttpMethod[] }
  /** The route matched but a parameter segment is not valid percent-encoding (a 400). */
  | { readonly kind: 'bad_segment'; readonly message: string }

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const NO_PARAMS: PathParams = Object.freeze({})

/** A route of a pattern path, with the parameter name at each segment position (undefined: literal). */
interface PatternRoute {
  readonly route: Route
  readonly names: readonly (string | undefined)[]
}

/** The routes sharing one pattern shape (`/api/v1/traces/:traceId` and `/api/v1/traces/:id` alike). */
interface PatternResource {
  /** The literal segment at each position (index 0 is the '' before the leading slash); undefined: a parameter. */
  readonly literals: readonly (string | undefined)[]
  readonly byMethod: Map<HttpMethod, PatternRoute>
}

/**
 * Resolves method and path to a route. The path decides the resource first, then the method:
 * an exact path wins over every pattern; among patterns the most specific wins (comparing segments
 * left to right, a literal beats a parameter). A parameter matches one non-empty raw segment and is
 * URL-decoded only once its route is chosen. HEAD falls back to GET.
 *
 * Construction throws on duplicate method+path (patterns of the same shape count as the same path)
 * and on malformed patterns (a path not starting with `/`, a `:` segment that is not a name, a name
 * used twice).
 */
export class RouteTable {
  readonly #exact = new Map<string, Map<HttpMethod, Route>>()
  readonly #patterns: PatternResource[] = []

  constructor(routes: readonly Route[]) {
    const byShape = new Map<string, PatternResource>()
    for (const route of routes) {
      const names = parameterNames(route.path)
      if (names.every((n) => n === undefined)) {
        const byMethod = this.#exact.get(route.path) ?? new Map<HttpMethod, Route>()
        if (byMethod.has(route.method)) throw new Error(`Duplicate route ${route.method} ${route.path}`)
        byMethod.set(route.method, route)
        this.#exact.set(route.path, byMethod)
        continue
      }
      const literals = route.path.split('/').map((s, i) => (names[i] === undefined ? s : undefined))
      const shape = literals.map((s) => s ?? ':').join('/')
      const resource = byShape.get(shape) ?? { literals, byMethod: new Map<HttpMethod, PatternRoute>() }
      const taken = resource.byMethod.get(route.method)
      if (taken !== undefined) {
        const same = taken.route.path === route.path ? '' : ` (same shape as ${taken.route.path})`
        throw new Error(`Duplicate route ${route.method} ${route.path}${same}`)
      }
      resource.byMethod.set(route.method, { route, names })
      byShape.set(shape, resource)
    }
    this.#patterns.push(...[...byShape.values()].sort((a, b) => bySpecificity(a.literals, b.literals)))
  }

  /** `path` is the raw request path, without the query string. */
  match(method: string, path: string): RouteMatch {
    const exact = this.#exact.get(path)
    if (exact !== undefined) {
      const route = forMethod(exact, method)
      if (route === undefined) return { kind: 'method_not_allowed', allow: [...exact.keys()] }
      return { kind: 'found', route, params: NO_PARAMS }
    }
    const segments = path.split('/')
    const resource = this.#patterns.find((p) => matches(p.literals, segments))
    if (resource === undefined) return { kind: 'not_found' }
    const chosen = forMethod(resource.byMethod, method)
    if (chosen === undefined) return { kind: 'method_not_allowed', allow: [...resource.byMethod.keys()] }
    const entries: [string, string][] = []
    for (const [i, name] of chosen.names.entries()) {
      if (name === undefined) continue
      const raw = segments[i] ?? ''
      try {
        entries.push([name, decodeURIComponent(raw)])
      } catch {
        const shown = JSON.stringify(raw.length > 100 ? `${raw.slice(0, 100)}…` : raw)
        return {
          kind: 'bad_segment',
          message: `The path segment ${shown} (:${name} of ${chosen.route.path}) is not valid URL encoding.`,
        }
      }
    }
    return { kind: 'found', route: chosen.route, params: Object.freeze(Object.fromEntries(entries)) }
  }
}

function forMethod<T>(byMethod: ReadonlyMap<HttpMethod, T>, method: string): T | undefined {
  return byMethod.get(method as HttpMethod) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined)
}

/** The parameter name at each segment position of `path` (undefined for literals); throws when malformed. */
function parameterNames(path: string): (string | undefined)[] {
  if (!path.startsWith('/'))
    throw new Error(`Invalid route path ${JSON.stringify(path)}: it must start with /`)
  const seen = new Set<string>()
  return path.split('/').map((segment) => {
    if (!segment.startsWith(':')) return undefined
    const name = segment.slice(1)
    if (!PARAM_NAME.test(name)) {
      throw new Error(`Invalid route path ${path}: ${JSON.stringify(segment)} is not a :name parameter`)
    }
    if (seen.has(name)) throw new Error(`Invalid route path ${path}: parameter :${name} is used twice`)
    seen.add(name)
    return name
  })
}

function matches(literals: readonly (string | undefined)[], segments: readonly string[]): boolean {
  if (literals.length !== segments.length) return false
  return literals.every((lit, i) => (lit === undefined ? segments[i] !== '' : lit === segments[i]))
}

/** Orders patterns so that, left to right, the first one with a literal where the other has a parameter comes first. */
function bySpecificity(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aParam = a[i] === undefined
    const bParam = b[i] === undefined
    if (aParam !== bParam) return aParam ? 1 : -1
  }
  return a.length - b.length
}
