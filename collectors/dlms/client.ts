/**
 * A DLMS client association over a transport: AARQ/AARE (lowest or low-level security), GET (normal, with list, and
 * block transfer reassembled within limits), SET, ACTION and release. Every refusal by the meter becomes a DlmsError
 * naming the meter's own code, so a log line says "read-write-denied", not "error 3".
 */
import { ASSOCIATION_DIAGNOSTICS, CLIENT_CONFORMANCE, type Aare } from './acse.ts';
import { decodeApdu, encodeApdu, type Apdu } from './apdu.ts';
import { ByteReader } from './byte-reader.ts';
import { DecodeBudget, decodeData, readData } from './data-decode.ts';
import { DEFAULT_LIMITS, type DecodeLimits, type DlmsData } from './data.ts';
import { DlmsError } from './errors.ts';
import type { DlmsTransport } from './transport.ts';
import { darName, EXCEPTION_SERVICE_ERRORS, type AccessSelection, type AttributeRef, type AttributeRequest, type GetResult, type MethodRef } from './xdlms.ts';

export interface ClientOptions {
  password?: string; // LLS; never logged
  maxReceivePdu: number;
  timeoutMs: number;
  limits?: DecodeLimits;
  maxBlocks?: number;
}

const RAW_KEEP = 64 * 1024;

const ACTION_RESULTS: Record<number, string> = { 0: 'success', 1: 'hardware-fault', 2: 'temporary-failure', 3: 'read-write-denied', 4: 'object-undefined', 9: 'object-class-inconsistent', 11: 'object-unavailable', 12: 'type-unmatched', 13: 'scope-of-access-violated', 14: 'data-block-unavailable', 15: 'long-action-aborted', 16: 'no-long-action-in-progress', 250: 'other-reason' };

export class DlmsClient {
  private invokeId = 0;
  private readonly limits: DecodeLimits;
  serverMaxPdu = 0;
  conformance = 0;
  // The meter's answers as received, kept (up to RAW_KEEP bytes) so a dead letter shows what the meter sent.
  private received: Buffer[] = [];
  private receivedBytes = 0;

  constructor(
    private readonly transport: DlmsTransport,
    private readonly opts: ClientOptions,
  ) {
    this.limits = opts.limits ?? DEFAULT_LIMITS;
  }

  /** The answers received since the last call, concatenated. */
  takeReceived(): Buffer {
    const out = Buffer.concat(this.received);
    this.received = [];
    this.receivedBytes = 0;
    return out;
  }

  private async exchange(apdu: Apdu): Promise<Apdu> {
    const bytes = await this.transport.request(encodeApdu(apdu), this.opts.timeoutMs);
    if (this.receivedBytes < RAW_KEEP) {
      this.received.push(bytes.subarray(0, RAW_KEEP - this.receivedBytes));
      this.receivedBytes += Math.min(bytes.length, RAW_KEEP - this.receivedBytes);
    }
    const answer = decodeApdu(bytes, this.limits);
    if (answer.tag === 'exception-response') {
      throw new DlmsError('exception_response', `exception-response: ${answer.stateError === 2 ? 'service-unknown' : 'service-not-allowed'}, ${EXCEPTION_SERVICE_ERRORS[answer.serviceError] ?? answer.serviceError}`, answer.serviceError);
    }
    if (answer.tag === 'confirmed-service-error') throw new DlmsError('service_error', `confirmed-service-error: service ${answer.service}, error ${answer.kind}/${answer.value}`, answer.value);
    return answer;
  }

  private nextInvoke(): number {
    this.invokeId = (this.invokeId + 1) & 0x0f;
    return 0xc0 | this.invokeId; // high priority, confirmed
  }

  private expect<T extends Apdu['tag']>(answer: Apdu, tag: T, invoke?: number): Extract<Apdu, { tag: T }> {
    if (answer.tag !== tag) throw new DlmsError('unexpected_response', `expected ${tag}, got ${answer.tag}`);
    if (invoke !== undefined && 'invoke' in answer && answer.invoke !== invoke) throw new DlmsError('unexpected_response', `invoke id ${answer.invoke & 0x0f} answers another request`);
    return answer as Extract<Apdu, { tag: T }>;
  }

  async associate(): Promise<Aare> {
    const password = this.opts.password;
    const answer = await this.exchange({
      tag: 'aarq',
      context: 'ln',
      mechanism: password === undefined ? 'lowest' : 'lls',
      password: password === undefined ? undefined : Buffer.from(password, 'latin1'),
      initiate: { dlmsVersion: 6, conformance: CLIENT_CONFORMANCE, maxReceivePdu: this.opts.maxReceivePdu },
    });
    const aare = this.expect(answer, 'aare');
    if (aare.result !== 0) {
      const why = aare.initiateError ? `initiate error ${aare.initiateError.value}` : ASSOCIATION_DIAGNOSTICS[aare.diagnostic.value] ?? `diagnostic ${aare.diagnostic.value}`;
      throw new DlmsError('association_rejected', `association refused: ${why}`, aare.diagnostic.value);
    }
    if (!aare.initiate) throw new DlmsError('unexpected_response', 'AARE accepted without an InitiateResponse');
    this.serverMaxPdu = aare.initiate.maxReceivePdu;
    this.conformance = aare.initiate.conformance;
    return aare;
  }

  async get(attribute: AttributeRef, access?: AccessSelection): Promise<DlmsData> {
    const invoke = this.nextInvoke();
    const answer = await this.exchange({ tag: 'get-request-normal', invoke, attribute, access });
    if (answer.tag === 'get-response-with-datablock') return decodeData(await this.blocks(answer, invoke), this.limits);
    const r = this.expect(answer, 'get-response-normal', invoke).result;
    if (!r.ok) throw new DlmsError('data_access_error', `GET ${attribute.obis}/${attribute.attribute}: ${darName(r.dar)}`, r.dar);
    return r.data;
  }

  /** GET with list: one result per item, in order (a refusal is a result, not an exception). */
  async getList(items: AttributeRequest[]): Promise<GetResult[]> {
    const invoke = this.nextInvoke();
    const answer = await this.exchange({ tag: 'get-request-with-list', invoke, items });
    let results: GetResult[];
    if (answer.tag === 'get-response-with-datablock') {
      // A long list answer arrives in blocks: the reassembled bytes are the SEQUENCE OF Get-Data-Result.
      const raw = await this.blocks(answer, invoke);
      const r = new ByteReader(raw);
      const budget = new DecodeBudget(this.limits);
      const n = r.length('result count');
      results = [];
      for (let i = 0; i < n && i <= items.length; i++) {
        const choice = r.u8('result choice');
        results.push(choice === 0 ? { ok: true, data: readData(r, budget, 0) } : { ok: false, dar: r.u8('data access result') });
      }
    } else results = this.expect(answer, 'get-response-with-list', invoke).results;
    if (results.length !== items.length) throw new DlmsError('unexpected_response', `${results.length} results for ${items.length} attributes`);
    return results;
  }

  /** Block transfer: asks for each next block until the last, within the size and block-count limits. */
  private async blocks(first: Extract<Apdu, { tag: 'get-response-with-datablock' }>, invoke: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    let block = first;
    const maxBlocks = this.opts.maxBlocks ?? 10_000;
    for (let expected = 1; ; expected++) {
      if (block.invoke !== invoke) throw new DlmsError('unexpected_response', 'data block for another request');
      if (block.block !== expected) throw new DlmsError('block_transfer_invalid', `block ${block.block} where ${expected} was due`);
      if (!block.raw) throw new DlmsError('data_access_error', `block transfer aborted: ${darName(block.dar ?? 250)}`, block.dar);
      size += block.raw.length;
      if (size > this.limits.maxBytes) throw new DlmsError('too_large', `block transfer beyond ${this.limits.maxBytes} bytes`);
      parts.push(block.raw);
      if (block.last) return Buffer.concat(parts);
      if (expected >= maxBlocks) throw new DlmsError('block_transfer_invalid', `more than ${maxBlocks} blocks`);
      const answer = await this.exchange({ tag: 'get-request-next', invoke, block: expected });
      block = this.expect(answer, 'get-response-with-datablock', invoke);
    }
  }

  async set(attribute: AttributeRef, value: DlmsData): Promise<void> {
    const invoke = this.nextInvoke();
    const r = this.expect(await this.exchange({ tag: 'set-request-normal', invoke, attribute, value }), 'set-response-normal', invoke);
    if (r.result !== 0) throw new DlmsError('data_access_error', `SET ${attribute.obis}/${attribute.attribute}: ${darName(r.result)}`, r.result);
  }

  async action(method: MethodRef, parameters?: DlmsData): Promise<DlmsData | undefined> {
    const invoke = this.nextInvoke();
    const r = this.expect(await this.exchange({ tag: 'action-request-normal', invoke, method, parameters }), 'action-response-normal', invoke);
    if (r.result !== 0) throw new DlmsError('action_failed', `ACTION ${method.obis}/${method.method}: ${ACTION_RESULTS[r.result] ?? r.result} (${r.result})`, r.result);
    if (r.returned && !r.returned.ok) throw new DlmsError('action_failed', `ACTION ${method.obis}/${method.method} returned ${darName(r.returned.dar)}`, r.returned.dar);
    return r.returned?.ok ? r.returned.data : undefined;
  }

  /** RLRQ; a meter that drops the line instead of answering is released all the same. */
  async release(): Promise<void> {
    try {
      this.expect(await this.exchange({ tag: 'rlrq', reason: 0 }), 'rlre');
    } finally {
      this.transport.close();
    }
  }
}
