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
  ABONE_ERR_REGISTRY_ADDRESS_NOT_FOUND: { status: 404, kind: 'user', message: 'Address {id} not found' },
  ABONE_ERR_REGISTRY_ADDRESS_EXISTS: { status: 409, kind: 'user', message: 'An address with UAVT code {uavtCode} exists' },
  ABONE_ERR_REGISTRY_PREMISE_NOT_FOUND: { status: 404, kind: 'user', message: 'Premise {id} not found' },
  ABONE_ERR_REGISTRY_INSTALLATION_NOT_FOUND: { status: 404, kind: 'user', message: 'Installation {id} not found' },
  ABONE_ERR_REGISTRY_IMPORT_HEADER: { status: 400, kind: 'user', message: 'The import file must start with the header {expected}' },
  ABONE_ERR_SUBSCRIPTION_NOT_FOUND: { status: 404, kind: 'user', message: 'Subscription {id} not found' },
  ABONE_ERR_SUBSCRIPTION_INSTALLATION_OCCUPIED: { status: 409, kind: 'user', message: 'Installation {installationId} already has a live subscription' },
  ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED: { status: 409, kind: 'user', message: 'A {status} subscription cannot {event}' },
  ABONE_ERR_SUBSCRIPTION_READING_REQUIRED: { status: 400, kind: 'user', message: '{event} needs a register reading of the fitted meter' },
  ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS: { status: 400, kind: 'user', message: 'Reading {reading} is below the last reading {last} of this meter' },
  ABONE_ERR_SUBSCRIPTION_NO_METER: { status: 409, kind: 'user', message: 'Installation {installationId} has no meter fitted' },
  ABONE_ERR_SUBSCRIPTION_METER_FITTED_ELSEWHERE: { status: 409, kind: 'user', message: 'Meter {serial} is fitted on another installation' },
  ABONE_ERR_SUBSCRIPTION_INSTALLATION_HAS_METER: { status: 409, kind: 'user', message: 'Installation {installationId} has a meter fitted already; exchange it instead' },
  ABONE_ERR_SUBSCRIPTION_COMMODITY_MISMATCH: { status: 400, kind: 'user', message: 'A {meter} meter cannot serve a {installation} installation' },
  ABONE_ERR_SUBSCRIPTION_METER_IN_USE: { status: 409, kind: 'user', message: 'The meter serves an active subscription ({subscriptionId}); move out or cut off first' },
  ABONE_ERR_SUBSCRIPTION_TIME_ORDER: { status: 400, kind: 'user', message: 'The time {at} is before the last recorded event ({last}) or in the future' },
  ABONE_ERR_SUBSCRIPTION_TARIFF_DATE: { status: 409, kind: 'user', message: 'A tariff from {from} cannot be set: {detail}' },
  ABONE_ERR_SUBSCRIPTION_SAME_HOLDER: { status: 400, kind: 'user', message: 'A transfer needs a holder other than the current one' },
  ABONE_ERR_RULES_INVALID: { status: 400, kind: 'user', message: 'Rule refused at {field}: {reason}' },
  ABONE_ERR_RULES_CHANNEL_UNKNOWN: { status: 400, kind: 'user', message: 'Rule refused at {field}: unknown channel {channel}' },
  ABONE_ERR_RULES_EVENT_UNKNOWN: { status: 400, kind: 'user', message: 'Rule refused at {field}: unknown meter event code {code}' },
  ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE: { status: 400, kind: 'user', message: 'Rule refused at {field}: {reason}' },
  ABONE_ERR_RULES_REF_UNKNOWN: { status: 400, kind: 'user', message: 'Rule refused at {field}: no rule {code} to combine' },
  ABONE_ERR_RULES_CYCLE: { status: 400, kind: 'user', message: 'Rule refused at {field}: the combination refers back to itself ({path})' },
  ABONE_ERR_RULES_ALARM_NOT_FOUND: { status: 404, kind: 'user', message: 'Alarm {id} not found' },
  ABONE_ERR_RULES_ALARM_NOT_ACTIVE: { status: 409, kind: 'user', message: 'Alarm {id} is already cleared' },
  ABONE_ERR_WAREHOUSE_NOT_FOUND: { status: 404, kind: 'user', message: 'Warehouse {code} not found' },
  ABONE_ERR_WAREHOUSE_EXISTS: { status: 409, kind: 'user', message: 'Warehouse {code} already exists' },
  ABONE_ERR_WAREHOUSE_METER_UNREGISTERED: { status: 400, kind: 'user', message: 'Not registered meters (register them first): {serials}' },
  ABONE_ERR_WAREHOUSE_METER_IN_STOCK: { status: 409, kind: 'user', message: 'Meter {serial} is already in a warehouse\'s stock' },
  ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK: { status: 409, kind: 'user', message: 'Meter {serial} is not in stock at warehouse {code}' },
  ABONE_ERR_WAREHOUSE_SAME_PLACE: { status: 400, kind: 'user', message: 'A move needs a destination other than its source {code}' },
  ABONE_ERR_BILLING_TARIFF_INVALID: { status: 400, kind: 'user', message: 'Invalid tariff at {path}: {detail}' },
  ABONE_ERR_BILLING_USAGE_INVALID: { status: 400, kind: 'user', message: 'Invalid usage at {path}: {detail}' },
  ABONE_ERR_BILLING_GAS_FACTOR_INVALID: { status: 400, kind: 'user', message: 'Invalid gas factor: {detail}' },
  ABONE_ERR_BILLING_GAS_FACTOR_USED: { status: 409, kind: 'user', message: 'The gas factors of {period} priced bill run {runId}; correct those bills instead' },
  ABONE_ERR_TARIFF_NOT_FOUND: { status: 404, kind: 'user', message: 'Tariff {code} not found' },
  ABONE_ERR_TARIFF_EXISTS: { status: 409, kind: 'user', message: 'Tariff {code} already exists; add a version instead' },
  ABONE_ERR_TARIFF_CODE_MISMATCH: { status: 400, kind: 'user', message: 'The tariff document says code {given}, the URL {code}' },
  ABONE_ERR_TARIFF_TAX_UNMAPPED: { status: 400, kind: 'user', message: 'Tax {tax} has no general-ledger account: tax codes start with KDV, OTV or CTV' },
  ABONE_ERR_BILLRUN_PERIOD_INVALID: { status: 400, kind: 'user', message: 'Invalid billing period {period}: YYYY-MM' },
  ABONE_ERR_BILLRUN_NOT_FOUND: { status: 404, kind: 'user', message: 'Bill run {id} not found' },
  ABONE_ERR_BILLRUN_ACCRUAL_NOT_FOUND: { status: 404, kind: 'user', message: 'Accrual {id} not found' },
  ABONE_ERR_BILLRUN_ACCRUAL_STATE: { status: 409, kind: 'user', message: 'Accrual {id} is {state}; {action} needs it {needed}' },
  ABONE_ERR_BILLRUN_SUBSCRIPTION_NOT_BILLABLE: { status: 409, kind: 'user', message: 'Subscription {subscriptionId} has nothing to bill for {period}: {reason}' },
  ABONE_ERR_WORKORDER_NOT_FOUND: { status: 404, kind: 'user', message: 'Work order {id} not found' },
  ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL: { status: 409, kind: 'user', message: 'A {type} work order cannot go from {from} to {to}' },
  ABONE_ERR_WORKORDER_CLOSING_CODE_REQUIRED: { status: 400, kind: 'user', message: 'Completing work order {id} needs a closing code' },
  ABONE_ERR_WORKORDER_CLOSING_CODE_UNKNOWN: { status: 400, kind: 'user', message: 'Closing code {code} is unknown or does not apply to {type} orders' },
  ABONE_ERR_WORKORDER_NOT_YOUR_CREW: { status: 403, kind: 'user', message: 'Work order {id} is not assigned to a crew you belong to' },
  ABONE_ERR_WORKORDER_CREW_NOT_FOUND: { status: 404, kind: 'user', message: 'Crew {crew} not found' },
  ABONE_ERR_WORKORDER_CREW_EXISTS: { status: 409, kind: 'user', message: 'Crew {crew} already exists' },
  ABONE_ERR_WORKORDER_CREW_UNFIT: { status: 409, kind: 'user', message: 'Crew {crew} cannot take work order {id}: {reason}' },
  ABONE_ERR_WORKORDER_NO_CREW: { status: 409, kind: 'user', message: 'No crew can take work order {id} now (region, skill {skill}, capacity)' },
  ABONE_ERR_WORKORDER_PHOTO_INVALID: { status: 400, kind: 'user', message: 'Photo refused: {reason}' },
  ABONE_ERR_WORKORDER_ALARM_INVALID: { status: 400, kind: 'user', message: 'Alarm cannot open a work order: {reason}' },
  ABONE_ERR_WORKORDER_CALIBRATION_EXISTS: { status: 409, kind: 'user', message: 'Calibration certificate {certificate} is already recorded' },
  ABONE_ERR_WORKORDER_MPE_UNKNOWN: { status: 400, kind: 'user', message: 'No maximum permissible error is known for meter {serial} ({commodity})' },
  ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND: { status: 404, kind: 'user', message: 'Current account {id} not found' },
  ABONE_ERR_LEDGER_ENTRY_NOT_FOUND: { status: 404, kind: 'user', message: 'Ledger entry {id} not found' },
  ABONE_ERR_LEDGER_ITEM_NOT_FOUND: { status: 404, kind: 'user', message: 'Open item {id} not found' },
  ABONE_ERR_LEDGER_INVOICE_NOT_FOUND: { status: 404, kind: 'user', message: 'Invoice {number} not found' },
  ABONE_ERR_LEDGER_GL_ACCOUNT_UNKNOWN: { status: 400, kind: 'user', message: 'Unknown general-ledger account {code}' },
  ABONE_ERR_LEDGER_AMOUNT_INVALID: { status: 400, kind: 'user', message: 'Invalid amount {value} ({field}): {reason}' },
  ABONE_ERR_LEDGER_UNBALANCED: { status: 400, kind: 'user', message: 'The entry does not balance: debits {debit}, credits {credit}' },
  ABONE_ERR_LEDGER_ENTRY_INVALID: { status: 400, kind: 'user', message: 'Invalid ledger entry: {detail}' },
  ABONE_ERR_LEDGER_ALREADY_REVERSED: { status: 409, kind: 'user', message: 'Ledger entry {id} is already reversed by entry {by}' },
  ABONE_ERR_LEDGER_NOT_REVERSIBLE: { status: 409, kind: 'user', message: 'Ledger entry {id} cannot be reversed: {reason}' },
  ABONE_ERR_LEDGER_ALLOCATION_INVALID: { status: 400, kind: 'user', message: 'Invalid allocation: {detail}' },
  ABONE_ERR_LEDGER_OVER_ALLOCATION: { status: 409, kind: 'user', message: 'Allocation of {amount} exceeds {what}: only {available} left' },
  ABONE_ERR_LEDGER_NOTHING_TO_INVOICE: { status: 409, kind: 'user', message: 'Current account {id} has no open accrual that is not invoiced yet' },
  ABONE_ERR_COLLECTIONS_PAYMENT_INVALID: { status: 400, kind: 'user', message: 'Invalid payment: {field} must be {reason}' },
  ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND: { status: 404, kind: 'user', message: 'Payment {id} not found' },
  ABONE_ERR_COLLECTIONS_REFERENCE_REUSED: { status: 409, kind: 'user', message: 'Reference {reference} of {source} was already used for another current account' },
  ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN: { status: 409, kind: 'user', message: 'Items {items} are not all open items of current account {accountId}' },
  ABONE_ERR_COLLECTIONS_ALLOCATION_RULE_UNKNOWN: { status: 400, kind: 'user', message: 'Allocation rules {rules} are not distinct known rules ({known})' },
  ABONE_ERR_COLLECTIONS_CANCEL_REFUSED: { status: 409, kind: 'user', message: 'Payment {id} cannot be cancelled: {reason}' },
  ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND: { status: 404, kind: 'user', message: 'Drawer {id} not found (or not yours)' },
  ABONE_ERR_COLLECTIONS_DRAWER_STATE: { status: 409, kind: 'user', message: 'Drawer {id}: {reason}' },
  ABONE_ERR_COLLECTIONS_DRAWER_OFFICE: { status: 403, kind: 'user', message: 'Cashier {cashier} works at office {assigned}, not {office}; a supervisor assigns the office' },
  ABONE_ERR_COLLECTIONS_BANK_CHANNEL_UNKNOWN: { status: 403, kind: 'user', message: 'The caller {username} is not an active bank or PTT channel' },
  ABONE_ERR_COLLECTIONS_BANK_CHANNEL_EXISTS: { status: 409, kind: 'user', message: 'Bank channel {code} (or its user {username}) already exists' },
  ABONE_ERR_COLLECTIONS_BANK_SUBSCRIBER_NOT_FOUND: { status: 404, kind: 'user', message: 'Subscriber {subscriberNo} not found' },
  ABONE_ERR_COLLECTIONS_BANK_AMOUNT_MISMATCH: { status: 409, kind: 'user', message: 'Amount {amount} is not {expected}, what items {items} cost on {date}; ask for the debt again' },
  ABONE_ERR_COLLECTIONS_BANK_REFERENCE_CONFLICT: { status: 409, kind: 'user', message: 'Reference {reference} was already used for a payment of {amount} by subscriber {subscriberNo}' },
  ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID: { status: 400, kind: 'user', message: 'Invalid reconciliation list, line {line}: {reason}' },
  ABONE_ERR_COLLECTIONS_STATEMENT_INVALID: { status: 400, kind: 'user', message: 'Bank statement refused: {reason}' },
  ABONE_ERR_COLLECTIONS_STATEMENT_NOT_FOUND: { status: 404, kind: 'user', message: 'Statement import {id} not found' },
  ABONE_ERR_COLLECTIONS_SUSPENSE_NOT_FOUND: { status: 404, kind: 'user', message: 'Suspense item {id} not found' },
  ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED: { status: 409, kind: 'user', message: 'Suspense item {id} was already {outcome}' },
  ABONE_ERR_COLLECTIONS_FIELD_BATCH_INVALID: { status: 400, kind: 'user', message: 'Invalid field sync batch: {reason}' },
  ABONE_ERR_COLLECTIONS_DEVICE_NOT_YOURS: { status: 403, kind: 'user', message: 'Field device {deviceId} is bound to another user' },
  ABONE_ERR_COLLECTIONS_DD_ORDER_NOT_FOUND: { status: 404, kind: 'user', message: 'Direct debit order {id} not found' },
  ABONE_ERR_COLLECTIONS_DD_ORDER_EXISTS: { status: 409, kind: 'user', message: 'Subscription {subscriptionId} already has direct debit order {orderId} with bank {bank}; cancel it first' },
  ABONE_ERR_COLLECTIONS_DD_TRANSITION: { status: 409, kind: 'user', message: 'Direct debit order {id} is {status}: it cannot be {action}' },
  ABONE_ERR_COLLECTIONS_DD_LIST_NOT_FOUND: { status: 404, kind: 'user', message: 'Direct debit collection list {id} not found' },
  ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID: { status: 400, kind: 'user', message: 'Direct debit result file refused: {reason}' },
  ABONE_ERR_COLLECTIONS_PLAN_INVALID: { status: 400, kind: 'user', message: 'Invalid plan: {field} must be {reason}' },
  ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND: { status: 404, kind: 'user', message: 'No {what} {id}' },
  ABONE_ERR_COLLECTIONS_PLAN_REFUSED: { status: 409, kind: 'user', message: 'Refused: {reason}' },
  ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID: { status: 400, kind: 'user', message: 'Invalid security deposit request: {field} must be {reason}' },
  ABONE_ERR_COLLECTIONS_DEPOSIT_NOT_FOUND: { status: 404, kind: 'user', message: 'No security deposit {id}' },
  ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED: { status: 409, kind: 'user', message: 'Security deposit refused: {reason}' },
  ABONE_ERR_COLLECTIONS_LATE_FEE_RUN_INVALID: { status: 400, kind: 'user', message: 'Invalid late-fee run: {reason}' },
  ABONE_ERR_COLLECTIONS_DUNNING_INVALID: { status: 400, kind: 'user', message: 'Invalid dunning run: {reason}' },
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
