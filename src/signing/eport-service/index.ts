/**
 * The E-Port client control (中国电子口岸客户端控件) signer: public API. The fake control for tests
 * and the sandbox is imported from './fake-eport-service.js' directly.
 */
export {
  createEportServiceSigner,
  type CardAlgorithm,
  type EportServiceLog,
  type EportServiceSigner,
  type EportServiceSignerOptions,
  type EportServiceState,
  type StateChange,
} from './eport-service-signer.js';
export { DEFAULT_EPORT_SERVICE_URL, EPORT_METHODS } from './protocol.js';
