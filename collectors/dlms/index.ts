/**
 * The DLMS/COSEM collector: polls meters over TCP (IEC 62056-47 wrapper) and receives their pushed DataNotifications,
 * and hands the readings to the ingest pipeline. The codec underneath (A-XDR data, ACSE and xDLMS APDUs, wrapper and
 * HDLC framing) is exported for the meter emulator and for tools. docs/dlms.md describes it all. This is the door.
 */
// Codec
export { DlmsError, isDlmsError, DLMS_ERROR_REASONS, type DlmsErrorReason } from './errors.ts';
export { d, TAG, DEFAULT_LIMITS, type DlmsData, type DlmsType, type TypeDescription, type DecodeLimits } from './data.ts';
export { decodeData } from './data-decode.ts';
export { encodeData } from './data-encode.ts';
export { decodeDateTime, encodeDateTime, encodeDateTimeFields, dateTimeToInstant, CLOCK_STATUS, type CosemDateTime } from './date-time.ts';
export { obisBytes, obisString, normalizeObis, isObis } from './obis.ts';
export { decodeApdu, encodeApdu, isCipheredTag, type Apdu } from './apdu.ts';
export { CONFORMANCE, CLIENT_CONFORMANCE, ASSOCIATION_DIAGNOSTICS, type Aarq, type Aare, type ApplicationContext, type Mechanism, type InitiateRequest, type InitiateResponse } from './acse.ts';
export { DATA_ACCESS_RESULTS, darName, type XdlmsApdu, type AttributeRef, type MethodRef, type AccessSelection, type AttributeRequest, type GetResult } from './xdlms.ts';
export { encodeWrapper, decodeWrapper, WrapperReassembler, DLMS_PORT, type WrapperFrame } from './wrapper.ts';
export { encodeHdlc, decodeHdlc, HdlcReassembler, crc16x25, control as hdlcControl, CONTROL as HDLC_CONTROL, LLC_REQUEST, LLC_RESPONSE, type HdlcFrame, type HdlcAddress, type HdlcEvent } from './hdlc.ts';
// COSEM objects and units
export { parseScalerUnit, scalerUnitData, parseCaptureObjects, captureObjectData, rangeDescriptor, parseRangeDescriptor, instantOf, profileRows, CLOCK_CAPTURE, type CaptureObject } from './cosem.ts';
export { DLMS_UNITS, UNIT_TO_CHANNEL_UNIT, toChannelValue, unitSymbol, type ScalerUnit } from './units.ts';
export { OBIS_CHANNELS, WELL_KNOWN, CLASS, defaultChannel, type ObisChannel } from './obis-channels.ts';
export { BUILT_IN_MODELS, resolveModel, type DlmsObjectModel, type DlmsObjectModelInput } from './meter-model.ts';
// Client
export { DlmsClient, type ClientOptions } from './client.ts';
export { TcpWrapperTransport, type DlmsTransport, type TcpEndpoint } from './transport.ts';
// Collector
export { startDlmsCollector, DLMS_DECODE_REASON, type DlmsCollector, type DlmsCollectorOptions } from './collector.ts';
export type { DlmsCommand, MeterStats, PipelineSink } from './meter-poller.ts';
export type { PushStats } from './push-receiver.ts';
export { notificationMessage } from './push-receiver.ts';
export { checkDevices, type DlmsDevice } from './device.ts';
export { dlmsSettings } from './settings.ts';
