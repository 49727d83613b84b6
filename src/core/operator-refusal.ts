import { GatewayError, isGatewayError } from './errors.js';

/**
 * An operator action (retry, cancel, hold, release, replay) that the message's or channel's state
 * does not allow: the operator is told why, nothing failed. The CLI prints it like any error; the
 * HTTP API answers 409 for it, and 500 for a real failure (Redis gone...).
 */
export function operatorRefusal(why: string, where?: string): GatewayError {
  return new GatewayError('GW_ERR_OPERATOR_REFUSED', {
    ...(where ? { where } : {}),
    zh: why,
    en: why,
  });
}

export function isOperatorRefusal(err: unknown): err is GatewayError {
  return isGatewayError(err) && err.code === 'GW_ERR_OPERATOR_REFUSED';
}

/** What to show the operator: a refusal's reason ("message m1: already on hold / 已暂停"), else the message. */
export function refusalText(err: unknown): string {
  if (!isOperatorRefusal(err)) return err instanceof Error ? err.message : String(err);
  const d = err.details[0];
  if (!d) return err.message;
  return d.where ? `${d.where}: ${d.en}` : d.en;
}
