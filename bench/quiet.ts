/** Imported first by bench/ingest.ts: the bench prints a table, so the project's info logs are off unless asked. */
process.env.ABONE_LOG_LEVEL ??= 'warn';
