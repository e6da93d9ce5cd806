import { defineSettings, int, setting } from '../../platform/config.ts';

export const workOrderSettings = defineSettings('work-orders', {
  photoMaxBytes: setting('ABONE_WORKORDER_PHOTO_MAX_BYTES', int(1024, 20 * 1024 * 1024), 5 * 1024 * 1024, 'largest field photo accepted on a work order, in bytes (JPEG, PNG or WebP; sent base64 in JSON)'),
});
