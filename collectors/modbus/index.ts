/**
 * The Modbus collector: polls meters over Modbus TCP (or RTU on a serial line) and submits their readings to the
 * ingest pipeline. Register maps are declared per meter model (docs/modbus.md). This file is the context's only door.
 */
export { startModbusPollers, checkModbusDevice, DEFAULT_BACKOFF, DEFAULT_TIMEOUT_MS, type ModbusDevice, type ModbusPollers } from './poller.ts';
export type { DeviceStats, PipelineSink, BackoffOptions } from './device-poller.ts';
export { parseRegisterMap, TYPE_WORDS, type RegisterMap, type RegisterPoint, type RegisterType, type RegisterFunction } from './register-map.ts';
export { planReads, MAX_REGISTERS_PER_READ, type ReadBlock } from './read-plan.ts';
export { decodeValue, decodeBlocks } from './register-decoder.ts';
