import { z } from 'zod';
import { defineSettings, setting, int, port, optionalString } from '../config.ts';

export const dbSettings = defineSettings('database', {
  url: setting('DATABASE_URL', optionalString(), undefined as string | undefined, 'PostgreSQL 15+ connection URL; unset starts an embedded PostgreSQL'),
  poolSize: setting('ABONE_DB_POOL_SIZE', int(2, 200), 10, 'connections in the pool of each process'),
  embeddedDir: setting('ABONE_EMBEDDED_PG_DIR', z.string().min(1), '.data/pg', 'data directory of the embedded PostgreSQL'),
  embeddedPort: setting('ABONE_EMBEDDED_PG_PORT', port(), 54329, 'preferred port of the embedded PostgreSQL; another free one is taken (and logged) when it is busy'),
});
