/** How the crash test's worker child names its database connections, so the test can find what the kill left. */
export const CHILD_APPLICATION_NAME = 'abone-bill-run-test-child';
