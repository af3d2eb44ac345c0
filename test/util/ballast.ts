// Preloaded into a process under test (node --require) to make it hold memory:
// HAKMEM_TEST_BALLAST_MB megabytes, every page touched, kept alive to the end.
// Used to check that children of a big process report their own peak RSS.
const megabytes = Number(process.env['HAKMEM_TEST_BALLAST_MB'] ?? '0');
if (megabytes > 0) {
  const ballast = Buffer.alloc(megabytes * 1024 * 1024, 1);
  (globalThis as { hakmemTestBallast?: Buffer }).hakmemTestBallast = ballast;
}
