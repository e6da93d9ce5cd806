/**
 * The DLMS collector's one error type. Every failure of the codec, the framing, the link or the meter's answer is a
 * `DlmsError` with a stable `reason`, so a caller (the poller, the push receiver, a fuzz test) can tell "the bytes are
 * broken" from "the meter said no" from "the line went quiet" without reading messages. It is an AboneError, so the
 * HTTP layer and the logs treat it like every other catalogued error; the reason picks the catalogue code.
 */
import { AboneError, type ErrorCode } from '../../platform/errors.ts';

export const DLMS_ERROR_REASONS = {
  // The bytes: what a decoder refuses (ABONE_ERR_DLMS_DECODE).
  truncated: 'decode',
  length_invalid: 'decode',
  tag_unknown: 'decode',
  depth_exceeded: 'decode',
  too_many_elements: 'decode',
  too_large: 'decode',
  value_invalid: 'decode',
  trailing_bytes: 'decode',
  frame_invalid: 'decode',
  checksum_invalid: 'decode',
  block_transfer_invalid: 'decode',
  unexpected_response: 'decode',
  // The meter's answer: it understood and refused (ABONE_ERR_DLMS_DEVICE_REFUSED).
  association_rejected: 'refused',
  data_access_error: 'refused',
  action_failed: 'refused',
  exception_response: 'refused',
  service_error: 'refused',
  // Not built yet: ciphered APDUs (ABONE_ERR_DLMS_CIPHERING_UNSUPPORTED).
  ciphering_unsupported: 'ciphering',
  // The line (ABONE_ERR_DLMS_LINK).
  timeout: 'link',
  connection_closed: 'link',
  not_connected: 'link',
} as const;

export type DlmsErrorReason = keyof typeof DLMS_ERROR_REASONS;

const CODE: Record<(typeof DLMS_ERROR_REASONS)[DlmsErrorReason], ErrorCode> = {
  decode: 'ABONE_ERR_DLMS_DECODE',
  refused: 'ABONE_ERR_DLMS_DEVICE_REFUSED',
  ciphering: 'ABONE_ERR_DLMS_CIPHERING_UNSUPPORTED',
  link: 'ABONE_ERR_DLMS_LINK',
};

export class DlmsError extends AboneError {
  constructor(
    readonly reason: DlmsErrorReason,
    readonly detail: string,
    /** The meter's own result code when it sent one (data-access-result, action-result, exception state/service). */
    readonly deviceCode?: number,
  ) {
    super(CODE[DLMS_ERROR_REASONS[reason]], { reason, detail });
    this.name = 'DlmsError';
  }
}

export function isDlmsError(err: unknown): err is DlmsError {
  return err instanceof DlmsError;
}
