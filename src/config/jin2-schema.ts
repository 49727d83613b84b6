import { z } from 'zod';

/**
 * How a 金二 (translator: jin2) channel hands its messages on (seed-subsystems.md §9):
 * - `client-import`: the file the Single Window client imports (the translator's output as it
 *   is; the client signs it with its card). Default on a sw-client transport.
 * - `signature`: the customs-side form of the 2017 XSDs, an enveloping XML-DSig
 *   `Signature{SignedInfo, SignatureValue, KeyInfo, Object@Id{Package}}` made with the channel's
 *   signer. Default on every other transport (HTTP, SFTP, AMQP).
 * `objectId` and `keyInfo` are not sourced beyond the XSDs (Id is a free string there; KeyInfo
 * holds only KeyName), hence settings.
 */
export const jin2ChannelSchema = z
  .object({
    envelope: z
      .enum(['client-import', 'signature'])
      .optional()
      .describe(
        'client-import: the file the Single Window client imports and signs (default on sw-client); signature: enveloping XML-DSig Signature/Object/Package signed by the gateway (default on other transports)',
      ),
    objectId: z
      .string()
      .regex(/^[A-Za-z_][\w.-]*$/)
      .default('Package')
      .describe('Id of the ds:Object that holds the Package (unverified: no source gives it)'),
    keyInfo: z
      .enum(['key-name', 'certificate'])
      .default('key-name')
      .describe(
        'KeyInfo of the signature: KeyName only, as the XSDs have it, or also the X509 certificate',
      ),
  })
  .strict();

export type Jin2ChannelConfig = z.output<typeof jin2ChannelSchema>;

/** The resolved form: the envelope chosen for the channel's route. */
export interface ResolvedJin2 {
  readonly envelope: 'client-import' | 'signature';
  readonly objectId: string;
  readonly keyInfo: 'key-name' | 'certificate';
}
