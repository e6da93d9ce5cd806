/**
 * The registry (sicil): parties, i.e. persons and organisations, with their personal data under KVKK rules
 * (masked by default, revealed only with pii.reveal, every read audited, anonymised after retention). Addresses and
 * subscriptions join this context later. This file is the context's only door.
 */
import type pg from 'pg';
import { loadSettings } from '../../platform/config.ts';
import { startRetentionJob, type RetentionJob } from './retention.ts';
import { registrySettings } from './settings.ts';

export { registryRoutes } from './routes.ts';
export { createParty, readParty, searchParties, closeParty, NewPartySchema, type NewParty, type CallContext } from './parties.ts';
export { importParties, type ImportReport } from './import.ts';
export { anonymiseExpiredParties, startRetentionJob, ANONYMOUS_NAME, type RetentionJob } from './retention.ts';
export { isVkn, type PartyKind } from './national-id.ts';
export { isTrIban } from './iban.ts';
export { nameKey } from './name-key.ts';
export { type PartyView } from './party-view.ts';
export { registrySettings } from './settings.ts';
export { createAddress, readAddress, searchAddresses, createPremise, createInstallation, readInstallation, installationPlace, installationsAtAddress, type AddressView, type InstallationView, type InstallationPlace } from './places.ts';
export { AddressSchema, InstallationSchema, PremiseSchema, COMMODITIES, PREMISE_KINDS, type AddressInput, type InstallationInput } from './address-fields.ts';
export { addressesInPolygon, installationsInPolygon, nearestInstallations, type NearInstallation } from './spatial.ts';
export { GeoPointSchema, GeoPolygonSchema, toMercator, toLonLat, groundMetres, Lon, Lat, type GeoPoint, type GeoPolygon } from './geo.ts';
export { importAddresses, uavtClashes } from './address-import.ts';
export { importPartiesCsv, PARTY_COLUMNS_CSV } from './party-csv-import.ts';
export { ADDRESS_COLUMNS, placeRow, type PlaceRow } from './address-row.ts';
export { bulkInsertPlaces } from './place-bulk.ts';
export { importCsvBatches, type BatchImportReport, type Rejection, type ImportContext } from './import-batches.ts';
export { readCsv, type CsvRow } from './csv-rows.ts';
export { copyRows, copyLine, type CopyValue } from './copy-text.ts';
export { assertOpenParty, partiesByIds, partyImportRow, bulkUpsertParties, type PartyImportRow } from './party-bulk.ts';

/** Starts the registry's background work: the daily retention job (settings validated here, at start-up). */
export function startRegistry(pool: pg.Pool): RetentionJob {
  const { piiRetentionDays } = loadSettings(registrySettings);
  return startRetentionJob(pool, piiRetentionDays);
}
