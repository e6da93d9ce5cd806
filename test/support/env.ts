// Loaded before anything else in a test run: quiet logs unless ABONE_LOG_LEVEL asks for them.
process.env.NODE_ENV ??= 'test';
process.env.ABONE_LOG_LEVEL ??= 'silent';
