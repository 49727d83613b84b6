import { z } from 'zod';

/** The building blocks of the configuration schema (schema.ts): durations, names, secrets, TLS, breakers. */

export const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/)])
  .describe('a duration: milliseconds as a number, or "500ms", "30s", "2m", "1h", "1d"');

export const name = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,39}$/,
    'lower-case letters, digits and "-", starting with a letter, at most 40 characters (小写字母、数字和 -，以字母开头)',
  );

export const secret = z
  .object({
    env: z.string().optional().describe('name of an environment variable holding the secret'),
    file: z
      .string()
      .optional()
      .describe('path of a file holding the secret (trailing newline ignored)'),
  })
  .strict()
  .refine(
    (s) => Boolean(s.env) !== Boolean(s.file),
    'give exactly one of env or file / env 与 file 只能给出其一',
  )
  .describe('a secret read from the environment or a file, never written in the config itself');

/** Client-side TLS of the HTTP adapters: mutual TLS as the customs data-centre endpoints use it. */
export const clientTlsSchema = z
  .object({
    cert: z
      .string()
      .optional()
      .describe('PEM file with the client certificate (and its chain) for mutual TLS'),
    key: secret
      .optional()
      .describe('the PEM private key of the client certificate, from a file or env'),
    passphrase: secret.optional().describe('passphrase of an encrypted private key'),
    ca: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe(
        'PEM file(s) of the CA the server certificate must chain to; default the system CAs',
      ),
    pinSha256: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe(
        "SHA-256 of the server certificate's public key (SubjectPublicKeyInfo), base64 or hex; one of them must match",
      ),
  })
  .strict()
  .refine((t) => Boolean(t.cert) === Boolean(t.key), 'give both cert and key, or neither')
  .describe('TLS for https:// URLs: client certificate, private CA, public-key pin');

/** Circuit breaker of one transport: stops sending to an endpoint that keeps failing. */
export const breakerSchema = z
  .object({
    failures: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('consecutive transient failures that open the breaker'),
    openFor: duration
      .default('30s')
      .describe('how long it stays open before one probe message is let through'),
  })
  .strict()
  .describe(
    'circuit breaker per transport; while open, messages wait without spending retry attempts',
  );
