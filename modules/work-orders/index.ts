/**
 * Work orders (iş emri): opened by alarms, call-centre notices (ihbar), failed calibrations and the API; routed to
 * crews by region, skill and load; followed through a status lifecycle with an SLA clock and an append-only trail.
 * This file is the context's only door.
 */
export { workOrderRoutes } from './routes.ts';
export { openWorkOrderFromAlarm, orderTypeOfAlarm, ALARM_ORDER_TYPE, type AlarmForOrder } from './alarms.ts';
export { openWorkOrdersFromAlarms } from './alarm-batch.ts';
export { alarmOrderCrews, alarmOrdersStatement, type AlarmOrderCrews } from './alarm-write-orders.ts';
export { onWorkOrderChange, FEED_STREAM as WORK_ORDER_FEED_STREAM, type WorkOrderChange } from './events.ts';
export { createOrder, readOrder, listOrders, NewOrderSchema, type NewOrder } from './orders.ts';
export { assignOrder } from './assignment.ts';
export { transition, closingCodes } from './lifecycle.ts';
export { addComment, addPhoto } from './notes.ts';
export { createCrew, updateCrew, listCrews, type Crew } from './crews.ts';
export { createNotice, NOTICE_KINDS, type Notice } from './notices.ts';
export { recordCalibration, listCalibrations, withinMpe, type Calibration, type MeterFacts } from './calibration.ts';
export { chooseCrew, type CrewCandidate } from './crew-choice.ts';
export { workOrderSettings } from './settings.ts';
export type { WorkOrder, OrderType, Status } from './order-view.ts';
export type { CallContext } from './doer.ts';
export { openDisconnectionOrder, openDisconnectionOrders, cancelDisconnectionOrder, type DisconnectionInput } from './dunning-orders.ts';
