import { Gauge, Registry } from 'prom-client';
import type { PipelineDeps } from './deps.js';
import { isSupervised } from '../signing/signer.js';
import { registerDeliveryMetrics } from './delivery-metrics.js';

/**
 * Prometheus metrics, computed when scraped (no background timers): queue depth per queue and
 * state, signer state, certificate expiry, and the number of messages in the ledger.
 */
export function createMetrics(deps: PipelineDeps): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'eport_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, counts] of Object.entries(await deps.queues.counts())) {
        for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      }
    },
  });
  new Gauge({
    name: 'eport_signer_ready',
    help: '1 when the signer can sign (card present, PIN not blocked, certificate valid)',
    labelNames: ['signer', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, s] of deps.signers) {
        const state = isSupervised(s) ? s.state : 'ready';
        this.set({ signer: name, state }, state === 'ready' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'eport_certificate_expiry_timestamp_seconds',
    help: 'notAfter of each signer certificate (alert when it comes near)',
    labelNames: ['signer', 'cert_no'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, s] of deps.signers) {
        const cert = await s.certificate().catch(() => undefined);
        if (cert)
          this.set(
            { signer: name, cert_no: cert.certNo },
            Math.floor(cert.notAfter.getTime() / 1000),
          );
      }
    },
  });
  new Gauge({
    name: 'eport_ledger_messages',
    help: 'Messages recorded in the ledger',
    registers: [registry],
    async collect() {
      this.set(await deps.ledger.count());
    },
  });
  new Gauge({
    name: 'eport_receipt_sla_overdue',
    help: 'Messages this process reported as having no customs receipt within their channel SLA',
    registers: [registry],
    collect() {
      this.set(deps.receiptSla.overdue);
    },
  });
  registerDeliveryMetrics(registry, deps);
  return registry;
}
