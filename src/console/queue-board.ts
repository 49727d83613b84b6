import type { FastifyInstance } from 'fastify';
import type { StageQueues } from '../queues/stage-queues.js';

/** Where the board is served; the console's navigation links here. */
export const QUEUE_BOARD_PATH = '/console/queues';

/**
 * The BullMQ board (@bull-board) for engineers: every stage queue and each signer's sign queue,
 * with their jobs, retries and failures. Mounted in the scope it is given, which must already
 * require a console login with the admin scope: the board can retry, promote and remove jobs.
 * Loaded on first use of the console, not at every CLI start.
 */
export async function registerQueueBoard(
  scope: FastifyInstance,
  queues: StageQueues,
): Promise<void> {
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const server = new FastifyAdapter();
  server.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'eport queues' } },
  });
  await scope.register(server.registerPlugin());
}
