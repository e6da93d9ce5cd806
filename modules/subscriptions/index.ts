/**
 * Subscriptions (abonelik / sözleşme): contracts between a party and an installation, their lifecycle, tariffs over
 * time, meters fitted on installations, and what billing reads for a period. This file is the context's only door.
 */
export { subscriptionRoutes } from './routes.ts';
export { moveIn, applyEvent, MoveInSchema, EventSchema, type MoveIn, type ContractEvent } from './contracts.ts';
export { readSubscription, type SubscriptionView } from './subscription-view.ts';
export { TRANSITIONS, STATUSES, LIVE, CLASSES, EVENTS, transitionOf, type Status, type SubscriberClass, type LifecycleEvent, type Transition } from './lifecycle.ts';
export { assignTariff, TariffCodeSchema } from './tariffs.ts';
export { installMeter, exchangeMeter, removeMeter, installationMeters, meterHistory, type FittingView } from './meter-fittings.ts';
export { billableSubscriptions, type BillableSubscription } from './billable.ts';
export { claimFinalBillRequests, completeFinalBillRequests, releaseFinalBillRequests, type FinalBillRequest } from './final-bills.ts';
export { subscriptionsInPolygon, countsByRegion, partiesByAddress, partiesNearPoint, type MapSubscription } from './map-queries.ts';
export { importSubscribers, SUBSCRIBER_COLUMNS } from './subscriber-import.ts';
export { suppliedMeterIds, suppliesOf, type Supply } from './supplied-meters.ts';
