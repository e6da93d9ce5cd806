// Loaded before anything else in a test run. Logs go to a file per run, at info level, so the whole suite's log can
// be scanned for personal data afterwards (test/support/global.ts); nothing floods the terminal.
process.env.NODE_ENV ??= 'test';
process.env.ABONE_LOG_LEVEL ??= 'info';
process.env.ABONE_LOG_FILE ??= `.tmp/test-logs/run-${process.pid}.jsonl`;
