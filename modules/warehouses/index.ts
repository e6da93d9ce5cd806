/**
 * Warehouses (ambar/depo) and the meters in their stock: receipts, moves between warehouses, issues to the field,
 * and their append-only history. Every operation checks the actor's warehouse/region scope itself. Meters are
 * referred to by serial; whether a serial is a registered meter is asked of the head-end's device registry.
 * This file is the context's only door.
 */
export { warehouseRoutes } from './routes.ts';
export { createWarehouse, listWarehouses, reachWarehouse, NewWarehouseSchema, WarehouseCode, type Warehouse, type NewWarehouse, type CallContext } from './warehouses.ts';
export { receiveMeters, moveMeter, issueMeter, type StockMove, type MeterDirectory } from './stock-moves.ts';
export { listStock, listMoves, type StockPage } from './stock-reads.ts';
