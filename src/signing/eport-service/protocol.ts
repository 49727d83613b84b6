/**
 * The JSON protocol of the 中国电子口岸客户端控件 (E-Port client control) local websocket service,
 * as reference/eport-formats.md §6.3 records it:
 *
 *   request  `{"_method":"cus-sec_SpcSignDataAsPEM","_id":1,"args":{"inData":…,"passwd":…}}`
 *   reply    `{"_id":1,"_method":…,"_status":"00","_args":{"Result":true,"Data":[…],"Error":[…]}}`
 *
 * On connect the control is reported to send a greeting `{"_id":0,"_method":"open","_status":"00",…}`
 * (seen in one client only, so it is tolerated, not required). Some clients also report replies
 * without the envelope (`{"Result":…,"Data":…,"Error":…}`); they are accepted too, and correlated by
 * being the only request in flight.
 *
 * This module only encodes and decodes; what a failed reply means is service-errors.ts's job.
 */

/** Where the control listens for plain-http pages (the only endpoint a daemon should use). */
export const DEFAULT_EPORT_SERVICE_URL = 'ws://127.0.0.1:61232';

/** The `cus-sec_*` methods the gateway calls. */
export const EPORT_METHODS = {
  /** Card hashes and signs `inData`; Data[0] = base64 signature, Data[1] = certificate number. */
  signDataAsPem: 'cus-sec_SpcSignDataAsPEM',
  /** Data[0] = certificate number (ds:KeyName). Needs no PIN: the health probe. */
  getCertNo: 'cus-sec_SpcGetCertNo',
  /** Data[0] = the signing certificate, base64 DER (PEM body). */
  getSignCertAsPem: 'cus-sec_SpcGetSignCertAsPEM',
  /** Data[0] = `{ szStartTime, szEndTime }`, `yyyyMMddHHmmss`. */
  getValidTimeFromCert: 'cus-sec_SpcGetValidTimeFromCert',
  /** Checks a PIN without signing. */
  verifyPin: 'cus-sec_SpcVerifyPIN',
} as const;

/** The status of a reply the control considers processed. */
export const STATUS_OK = '00';

/** The greeting's method name. */
export const OPEN_METHOD = 'open';

/** One request as sent on the wire. */
export interface EportRequest {
  readonly _method: string;
  readonly _id: number;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A reply, decoded and checked for shape (not for success). */
export interface EportReply {
  /** `_id` as the control echoed it (undefined in envelope-less replies). */
  readonly id?: number | string;
  readonly method?: string;
  /** `_status`; undefined in envelope-less replies. */
  readonly status?: string;
  readonly result: boolean;
  readonly data: readonly unknown[];
  readonly errors: readonly string[];
}

/** What one websocket text frame turned out to be. */
export type EportFrame =
  | { readonly kind: 'reply'; readonly reply: EportReply }
  | { readonly kind: 'open' }
  | { readonly kind: 'malformed'; readonly reason: string; readonly excerpt: string };

/** Arguments that must never reach a log line or an error text. */
const SECRET_ARGS = new Set(['passwd', 'oldPin', 'newPin']);

/** Serialises a request. */
export function encodeRequest(request: EportRequest): string {
  return JSON.stringify(request);
}

/**
 * A loggable view of a request: method, id and argument names with sizes. The PIN and the data
 * to sign are never included (reference §6.3: "never log the request JSON").
 */
export function describeRequest(request: EportRequest): {
  method: string;
  id: number;
  args: Record<string, string>;
} {
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.args)) {
    args[k] = SECRET_ARGS.has(k)
      ? '[redacted]'
      : typeof v === 'string'
        ? `${v.length} chars`
        : typeof v;
  }
  return { method: request._method, id: request._id, args };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function excerptOf(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function malformed(reason: string, text: string): EportFrame {
  return { kind: 'malformed', reason, excerpt: excerptOf(text) };
}

/** `Result` as a boolean; the control is a Windows/.NET service, so string forms are tolerated. */
function resultFlag(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return undefined;
}

/** Decodes one text frame. Never throws: anything unexpected is a `malformed` frame with a reason. */
export function decodeFrame(text: string): EportFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed('not JSON', text);
  }
  if (!isRecord(parsed)) return malformed('not a JSON object', text);
  const method = typeof parsed._method === 'string' ? parsed._method : undefined;
  if (method === OPEN_METHOD) return { kind: 'open' };

  // Either the documented envelope, or the bare `{Result, Data, Error}` some clients report.
  const enveloped = '_args' in parsed || '_id' in parsed || '_status' in parsed;
  const body = enveloped ? parsed._args : parsed;
  if (!isRecord(body)) return malformed('_args is missing or not an object', text);
  const result = resultFlag(body.Result);
  if (result === undefined) return malformed('Result is missing or not a boolean', text);
  if (body.Data !== undefined && body.Data !== null && !Array.isArray(body.Data))
    return malformed('Data is not an array', text);
  if (body.Error !== undefined && body.Error !== null && !Array.isArray(body.Error))
    return malformed('Error is not an array', text);

  const id =
    typeof parsed._id === 'number' || typeof parsed._id === 'string' ? parsed._id : undefined;
  const status =
    parsed._status === undefined || parsed._status === null ? undefined : String(parsed._status);
  return {
    kind: 'reply',
    reply: {
      ...(id !== undefined ? { id } : {}),
      ...(method !== undefined ? { method } : {}),
      ...(status !== undefined ? { status } : {}),
      result,
      data: (body.Data as unknown[] | undefined | null) ?? [],
      errors: ((body.Error as unknown[] | undefined | null) ?? []).map((e) =>
        typeof e === 'string' ? e : JSON.stringify(e),
      ),
    },
  };
}

/**
 * Whether `reply` answers `request`. `_id` decides when present (numbers and numeric strings are the
 * same id: clients send either). Without `_id` the method must match, or be absent too; the caller
 * has only one request in flight, so that is unambiguous.
 */
export function answers(reply: EportReply, request: EportRequest): boolean {
  if (reply.id !== undefined) return String(reply.id) === String(request._id);
  return reply.method === undefined || reply.method === request._method;
}

/** True when the control reports success: `_status` "00" (or absent) and `Result` true. */
export function succeeded(reply: EportReply): boolean {
  return reply.result && (reply.status === undefined || reply.status === STATUS_OK);
}
