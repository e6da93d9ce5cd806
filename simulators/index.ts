/**
 * The simulators' door: the MQTT meter fleet, the consumption profiles behind it, fault injection, and a pure
 * message generator for benchmarks; and the Modbus TCP meter emulator.
 */
export { startFleet, DEFAULT_BACKLOG_HOURS, type Fleet, type FleetOptions, type FleetStats } from './fleet.ts';
export { MeterStream, simulateMessagesForBench, type OutMessage, type StreamOptions } from './meter-stream.ts';
export {
  hourReadings,
  initialRegister,
  rollover,
  consumptionLitres,
  outdoorTemperature,
  heatingDegreeDaysOfHour,
  pressureBar,
  temperatureC,
  batteryPercent,
  alignToHour,
  isoTs,
  HOUR_MS,
  SIMULATED_CHANNELS,
  type SimMeter,
  type SimCommodity,
  type SimReading,
  type HourOptions,
  type HourResult,
} from './profiles.ts';
export {
  faultPlan,
  NO_FAULTS,
  SPIKE_FACTOR,
  PRESSURE_DROP_FACTOR,
  dropPressure,
  isPressureDropHour,
  hourIncidents,
  isGapHour,
  MALFORMED_KINDS,
  malformedPayload,
  shiftTimestamps,
  type FaultPlan,
  type MalformedKind,
  type SimEvent,
} from './faults.ts';
export { seedFrom, mulberry32, keyedUnit } from './random.ts';
// The Modbus TCP meter emulator (its own file and owner), through the same door.
export { startModbusEmulator, MODBUS_EMULATOR_MAP, type ModbusEmulator, type ModbusEmulatorOptions, type EmulatorMode, type EmulatedMeterState } from './modbus-emulator.ts';
export { provisionDemoFleet, provisionModbusMeters, provisionDlmsMeters, DEMO_MODELS, DEMO_MODBUS_MODEL, DEMO_DLMS_MODEL, type ProvisionedMeter } from './provision.ts';
export { startDemo, type Demo, type DemoOptions } from './demo.ts';
export { startDlmsEmulator, consumptionLitres as dlmsConsumptionLitres, DLMS_EMULATOR_PROFILE, type DlmsEmulator, type DlmsEmulatorOptions, type DlmsEmulatorMode, type ProfileRow } from './dlms-emulator.ts';
