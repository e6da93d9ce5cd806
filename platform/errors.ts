/**
 * The error catalogue: every error the system raises on purpose has a stable code, an HTTP status, a kind and a
 * message template. Kinds follow who must act:
 * - `user`: the caller's fault (bad input, unknown id). 4xx, never paged, nothing changed.
 * - `operational`: transient trouble outside our code (database down, broker gone). Retried, alerted when lasting.
 * - `unexpected`: a bug. Logged loudly with its stack.
 * docs/errors.md lists the catalogue; a test keeps the two in step.
 */
export type ErrorKind = 'user' | 'operational' | 'unexpected';

interface CatalogueEntry {
  status: number;
  kind: ErrorKind;
  message: string;
}

export const catalogue = {
  ABONE_ERR_CONFIG_INVALID: { status: 500, kind: 'user', message: 'Invalid configuration:\n  {problems}' },
  ABONE_ERR_PLATFORM_PORT_IN_USE: { status: 500, kind: 'operational', message: 'Port {port} for {what} is in use; set {env} to a free port' },
  ABONE_ERR_PLATFORM_DB_UNAVAILABLE: { status: 503, kind: 'operational', message: 'Database unavailable: {reason}' },
  ABONE_ERR_PLATFORM_MIGRATION_FAILED: { status: 500, kind: 'unexpected', message: 'Migration {name} failed: {reason}' },
  ABONE_ERR_PLATFORM_MIGRATION_CHANGED: { status: 500, kind: 'unexpected', message: 'Migration {name} was edited after it was applied (checksum differs); add a new migration instead' },
  ABONE_ERR_HTTP_VALIDATION: { status: 400, kind: 'user', message: 'Invalid request: {detail}' },
  ABONE_ERR_HTTP_NOT_FOUND: { status: 404, kind: 'user', message: 'No route {method} {url}' },
  ABONE_ERR_HTTP_INTERNAL: { status: 500, kind: 'unexpected', message: 'Internal error' },
  ABONE_ERR_HTTP_NOT_ACCEPTABLE: { status: 406, kind: 'user', message: 'This route answers only {expected}; send Accept: {expected}' },
  ABONE_ERR_HEADEND_METER_NOT_FOUND: { status: 404, kind: 'user', message: 'Meter {serial} not found' },
  ABONE_ERR_HEADEND_MODEL_NOT_FOUND: { status: 404, kind: 'user', message: 'Meter model {code} not found' },
  ABONE_ERR_HEADEND_METER_EXISTS: { status: 409, kind: 'user', message: 'Meter {serial} already exists' },
  ABONE_ERR_HEADEND_CHANNEL_UNKNOWN: { status: 400, kind: 'user', message: 'Unknown channel {channel}' },
  ABONE_ERR_HEADEND_RANGE_INVALID: { status: 400, kind: 'user', message: 'Invalid time range: {detail}' },
  ABONE_ERR_HEADEND_INGEST_STOPPED: { status: 503, kind: 'operational', message: 'The ingest pipeline is stopping' },
  ABONE_ERR_HEADEND_INGEST_NOT_HERE: { status: 503, kind: 'operational', message: 'This process does not run ingest (ABONE_MODE=api); send readings to a head-end process' },
  ABONE_ERR_HEADEND_PAYLOAD_REFUSED: { status: 400, kind: 'user', message: 'Nothing stored: {problems}' },
  ABONE_ERR_MQTT_AUTH_FAILED: { status: 401, kind: 'user', message: 'MQTT authentication failed for {username}' },
  ABONE_ERR_MQTT_TOPIC_FORBIDDEN: { status: 403, kind: 'user', message: 'Client {clientId} may not publish on {topic}' },
  ABONE_ERR_AUTH_REQUIRED: { status: 401, kind: 'user', message: 'Login required' },
  ABONE_ERR_AUTH_INVALID_CREDENTIALS: { status: 401, kind: 'user', message: 'Wrong username or password' },
  ABONE_ERR_AUTH_THROTTLED: { status: 429, kind: 'user', message: 'Too many failed logins; try again in {seconds} s' },
  ABONE_ERR_AUTH_FORBIDDEN: { status: 403, kind: 'user', message: 'Permission {permission} required' },
  ABONE_ERR_AUTH_OUT_OF_SCOPE: { status: 403, kind: 'user', message: 'Permission {permission} does not reach {where}' },
  ABONE_ERR_AUTH_USER_EXISTS: { status: 409, kind: 'user', message: 'User {username} already exists' },
  ABONE_ERR_AUTH_USER_NOT_FOUND: { status: 404, kind: 'user', message: 'User {username} not found' },
  ABONE_ERR_AUTH_ROLE_UNKNOWN: { status: 400, kind: 'user', message: 'Unknown role {role}' },
  ABONE_ERR_AUTH_WEAK_PASSWORD: { status: 400, kind: 'user', message: 'Password too weak: {reason}' },
  ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID: { status: 400, kind: 'user', message: 'The national id is not a valid {expected}' },
  ABONE_ERR_REGISTRY_IBAN_INVALID: { status: 400, kind: 'user', message: 'The IBAN is not a valid Turkish IBAN (TR and 24 digits, mod-97 check)' },
  ABONE_ERR_REGISTRY_PHONE_INVALID: { status: 400, kind: 'user', message: 'The phone number is neither a Turkish number nor an international one written +<country code><number>' },
  ABONE_ERR_REGISTRY_QUERY_TOO_SHORT: { status: 400, kind: 'user', message: 'A search needs at least {min} letters or digits' },
  ABONE_ERR_REGISTRY_PARTY_NOT_FOUND: { status: 404, kind: 'user', message: 'Party {id} not found' },
  ABONE_ERR_REGISTRY_PARTY_EXISTS: { status: 409, kind: 'user', message: 'An open party (id {existingId}) already has this national id' },
  ABONE_ERR_REGISTRY_PARTY_CLOSED: { status: 409, kind: 'user', message: 'Party {id} is closed' },
  ABONE_ERR_WAREHOUSE_NOT_FOUND: { status: 404, kind: 'user', message: 'Warehouse {code} not found' },
  ABONE_ERR_WAREHOUSE_EXISTS: { status: 409, kind: 'user', message: 'Warehouse {code} already exists' },
  ABONE_ERR_WAREHOUSE_METER_UNREGISTERED: { status: 400, kind: 'user', message: 'Not registered meters (register them first): {serials}' },
  ABONE_ERR_WAREHOUSE_METER_IN_STOCK: { status: 409, kind: 'user', message: 'Meter {serial} is already in a warehouse\'s stock' },
  ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK: { status: 409, kind: 'user', message: 'Meter {serial} is not in stock at warehouse {code}' },
  ABONE_ERR_WAREHOUSE_SAME_PLACE: { status: 400, kind: 'user', message: 'A move needs a destination other than its source {code}' },
  ABONE_ERR_MODBUS_MAP_INVALID: { status: 400, kind: 'user', message: 'Invalid Modbus register map: {detail}' },
  ABONE_ERR_DLMS_DECODE: { status: 502, kind: 'operational', message: 'DLMS data could not be decoded ({reason}): {detail}' },
  ABONE_ERR_DLMS_DEVICE_REFUSED: { status: 502, kind: 'operational', message: 'The DLMS meter refused the request ({reason}): {detail}' },
  ABONE_ERR_DLMS_CIPHERING_UNSUPPORTED: { status: 501, kind: 'user', message: 'Ciphered DLMS (security suite 0) is not supported yet: {detail}' },
  ABONE_ERR_DLMS_LINK: { status: 504, kind: 'operational', message: 'DLMS link to the meter failed ({reason}): {detail}' },
  ABONE_ERR_DLMS_METER_NOT_POLLED: { status: 404, kind: 'user', message: 'Meter {serial} is not a DLMS meter this collector reaches' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof catalogue;

export class AboneError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly params: Record<string, unknown>;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    const entry: CatalogueEntry = catalogue[code];
    super(entry.message.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? `{${k}}`)), options);
    this.name = 'AboneError';
    this.code = code;
    this.status = entry.status;
    this.kind = entry.kind;
    this.params = params;
  }

  toJSON() {
    return { code: this.code, message: this.message };
  }
}

/** PostgreSQL and socket failures that go away by themselves: connection lost, server starting or shutting down. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (e.code && /^(08|57P0|53)/.test(e.code)) return true; // connection exception, admin shutdown, insufficient resources
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(e.code)) return true;
  return /Connection terminated|connection (is )?closed|terminating connection|the database system is (starting|shutting)|not queryable|Client was closed/i.test(e.message ?? '');
}
