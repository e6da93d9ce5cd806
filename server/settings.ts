import { z } from 'zod';
import { defineSettings, setting, int, port, bool } from '../platform/config.ts';

export const serverSettings = defineSettings('server', {
  httpPort: setting('ABONE_HTTP_PORT', port(), 8080, 'HTTP port of the API, /health, /metrics and /docs; another free one is taken (and logged) when it is busy'),
  httpHost: setting('ABONE_HTTP_HOST', z.string().min(1), '0.0.0.0', 'address the HTTP server listens on'),
  mode: setting('ABONE_MODE', z.enum(['all', 'api', 'headend', 'worker']), 'all', 'which parts this process runs: all in one, only the API, only ingest, or only batch work (bill runs)'),
  demoMeters: setting('ABONE_DEMO_METERS', int(0, 100_000), 50, 'simulated meters started with the system (0: none); they publish over MQTT like real ones'),
  demoModbusDevices: setting('ABONE_DEMO_MODBUS_DEVICES', int(0, 100), 2, 'Modbus TCP device emulators started with the system (0: none); the head-end polls them like real meters'),
  demoDlmsDevices: setting('ABONE_DEMO_DLMS_DEVICES', int(0, 100), 1, 'DLMS/COSEM meter emulators started with the system (0: none); the head-end polls them over the TCP wrapper'),
  demoIntervalMs: setting('ABONE_DEMO_INTERVAL_MS', int(100, 3_600_000), 2000, 'time between two messages of one demo meter'),
  demoOperations: setting('ABONE_DEMO_OPERATIONS', bool(), true, 'with demo meters: seed a starter rule set and two crews (into a database that has none), households with contracts, two months of bills and payments (into a database without parties), and let the demo fleet inject occasional leaks, tampers, reverse flow and pressure drops, so alarms, work orders, bills and payments show'),
  polling: setting('ABONE_POLLING', bool(), true, 'poll Modbus and DLMS meters from this process when it runs ingest; turn off on all but one head-end, or each meter is polled once per process'),
  dailyJobs: setting('ABONE_DAILY_JOBS', bool(), true, 'run the daily back-office jobs (below) in this process when it runs batch work; turn off where the debts must stay as they are, e.g. a copy of the database opened for an inquiry'),
  dailyJobsHour: setting('ABONE_DAILY_JOBS_HOUR', int(0, 23), 2, 'hour of the day (Istanbul time) from which workers run the daily back-office jobs: instalment plan review, dunning, and the period-end late fees once a month'),
  feedToMqtt: setting('ABONE_FEED_MQTT', bool(), true, 'publish the live feed (alarms, work orders) on abone/v1/feed/... from this process when it runs ingest; turn off on all but one of several head-ends sharing a broker'),
});
