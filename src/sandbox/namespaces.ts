/** Namespace URIs the sandbox reads and writes. */

/** 报关单 messages and import responses (`DecMessage`, `DecImportResponse`). */
export const DEC_NS = 'http://www.chinaport.gov.cn/dec';

/** DXP terminal-node envelope (`DxpMsg`). */
export const DXP_NS = 'http://www.chinaport.gov.cn/dxp';

/** W3C XML-DSig. */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
