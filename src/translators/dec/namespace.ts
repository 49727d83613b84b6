/** The namespace of DecMessage (报关单), which the builder writes and the pass-through checks. */
export const DEC_NAMESPACE = 'http://www.chinaport.gov.cn/dec';
