/**
 * The card emulator process: hosts one emulated card per vpcd reader slot and connects each to
 * vpcd. Run it inside pcscd's network namespace (the harness does, with nsenter):
 *
 *   node --import tsx test/card/vcard.ts --config cards.json
 *
 * Controlled through stdin/stdout JSON lines (see emulator/protocol.ts). Exits on SIGTERM or when
 * stdin closes, so it never outlives the test process that started it.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  certPemToDer,
  type AnswerTime,
  type AppletName,
  type ControlEvent,
  type ControlReply,
  type ControlRequest,
  type EmulatorConfig,
} from './emulator/protocol.js';
import { VirtualCard } from './emulator/virtual-card.js';
import { VpcdLink } from './emulator/vpcd-link.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const configPath = argValue('--config');
if (!configPath) {
  process.stderr.write('usage: vcard.ts --config cards.json\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8')) as EmulatorConfig;

const links = config.cards.map((c, slot) => {
  const card = new VirtualCard({
    ...(c.extendedLength !== undefined ? { extendedLength: c.extendedLength } : {}),
    ...(c.chaining !== undefined ? { chaining: c.chaining } : {}),
    ...(c.wrongLe ? { wrongLe: c.wrongLe } : {}),
    ...(c.openpgp
      ? {
          openpgp: {
            ...c.openpgp,
            ...(c.openpgp.certPem ? { certDer: certPemToDer(c.openpgp.certPem) } : {}),
          },
        }
      : {}),
    ...(c.piv
      ? { piv: { ...c.piv, ...(c.piv.certPem ? { certDer: certPemToDer(c.piv.certPem) } : {}) } }
      : {}),
  });
  const link = new VpcdLink(card, c.port, config.host ?? '127.0.0.1');
  const send = (event: ControlEvent): void =>
    void process.stdout.write(`${JSON.stringify(event)}\n`);
  link.on('connected', () => send({ event: 'connected', slot }));
  link.on('disconnected', () => send({ event: 'disconnected', slot }));
  if (c.inserted ?? true) link.insert();
  return link;
});

function linkAt(slot: number): VpcdLink {
  const link = links[slot];
  if (!link) throw new Error(`no card in slot ${slot}`);
  return link;
}

function applet(slot: number, name: AppletName) {
  const card = linkAt(slot).card;
  const a = name === 'openpgp' ? card.openpgp : card.piv;
  if (!a) throw new Error(`card ${slot} has no ${name} application`);
  return a;
}

function run(req: ControlRequest): unknown {
  switch (req.cmd) {
    case 'ping':
      return 'pong';
    case 'insert':
      return void linkAt(req.slot).insert();
    case 'remove':
      return void linkAt(req.slot).remove();
    case 'status':
      return { connected: linkAt(req.slot).connected, powered: linkAt(req.slot).card.powered };
    case 'stats':
      return linkAt(req.slot).card.stats;
    case 'answerTime': {
      const { apdus, answerUs } = linkAt(req.slot).card.stats;
      return { apdus, answerUs } satisfies AnswerTime;
    }
    case 'resetStats':
      return void linkAt(req.slot).card.resetStats();
    case 'setPin': {
      const a = applet(req.slot, req.applet);
      if ('setPin' in a) a.setPin(req.pin);
      else a.pw1.value = Buffer.from(req.pin);
      return undefined;
    }
    case 'setTries': {
      const a = applet(req.slot, req.applet);
      const pin = 'pw1' in a ? a.pw1 : a.pin;
      pin.tries = req.tries;
      return undefined;
    }
    case 'setPw1Multi': {
      const a = applet(req.slot, 'openpgp');
      if ('pw1Multi' in a) a.pw1Multi = req.value;
      return undefined;
    }
    case 'setIdentity':
      return void applet(req.slot, req.applet).setIdentity(
        req.keyPem,
        req.certPem ? certPemToDer(req.certPem) : undefined,
      );
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let reply: ControlReply;
  let id = -1;
  try {
    const msg = JSON.parse(line) as ControlRequest & { id: number };
    id = msg.id;
    reply = { id, ok: true, result: run(msg) };
  } catch (err) {
    reply = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
