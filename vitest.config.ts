import { defineConfig } from 'vitest/config';

/**
 * Test tiers. A file's suffix says what it needs, and that picks its tier:
 *
 * - `*.test.ts` (unit): nothing. No Redis, no network beyond an in-process loopback server, no
 *   spawned daemon. It may run a short-lived verifier tool (xmlsec1, xmllint, openssl) through
 *   `test/helpers/tools.ts`, which skips when the tool is missing and fails under `CI=true`.
 * - `*.redis.test.ts`: Redis on `REDIS_URL` (default 127.0.0.1:6379), or a spawned redis-server.
 * - `*.rabbitmq.test.ts`: RabbitMQ on 127.0.0.1:5672.
 * - `*.sftp.test.ts`: a private sshd spawned per suite.
 * - `*.card.test.ts`: pcscd with the virtual card reader (vpcd) and the in-repo card emulator.
 * - `*.process.test.ts`: the built CLI (`dist/`) spawned as a daemon.
 * - `*.browser.test.ts`: a headless Chromium.
 *
 * `npm test` runs every tier; `npm run test:unit` (or `vitest run --project unit`) the fast one.
 */
const TIERS = ['redis', 'rabbitmq', 'sftp', 'card', 'process', 'browser'] as const;
const ROOTS = ['src', 'test'];
const filesOf = (suffix: string): string[] => ROOTS.map((root) => `${root}/**/*${suffix}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Process tests spawn daemons; two cores are all a machine has.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: filesOf('.test.ts'),
          exclude: TIERS.map((tier) => `**/*.${tier}.test.ts`),
          // Unit files share their workers' module cache: most of a unit file's cost is importing
          // the code under test, and they hold no global state between files.
          isolate: false,
          pool: 'threads',
        },
      },
      ...TIERS.map((tier) => ({
        extends: true as const,
        test: { name: tier, include: filesOf(`.${tier}.test.ts`) },
      })),
    ],
  },
});
