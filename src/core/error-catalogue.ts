/**
 * The error catalogue: the table of codes (GatewayError and its helpers are in errors.ts, which
 * re-exports this). Every failure the gateway reports carries a stable code, says whether it is
 * transient (retry) or permanent (stop, negative receipt), and has an operator-facing text in
 * Chinese and English. Check `code`, not `instanceof`: errors cross process and queue boundaries.
 */

export type ErrorClass = 'transient' | 'permanent';

interface CatalogueEntry {
  readonly kind: ErrorClass;
  readonly zh: string;
  readonly en: string;
  /**
   * The signer, not the message, is at fault (PIN, expired certificate): the signer reports a
   * state other than ready, and its messages wait for the operator's fix instead of failing.
   */
  readonly signerFatal?: true;
}

export const ERRORS = {
  GW_ERR_CONFIG: { kind: 'permanent', zh: '配置错误', en: 'configuration error' },
  GW_ERR_REDIS_EVICTION: {
    kind: 'permanent',
    zh: 'Redis 的淘汰策略可能丢弃数据，请设置 maxmemory-policy noeviction',
    en: 'Redis eviction policy can drop keys; set maxmemory-policy noeviction',
  },
  GW_ERR_DATA_DIR_LOCKED: {
    kind: 'permanent',
    zh: '数据目录已被另一个网关实例占用',
    en: 'the data directory is in use by another gateway instance',
  },
  GW_ERR_REDIS_UNAVAILABLE: { kind: 'transient', zh: 'Redis 不可用', en: 'Redis unavailable' },
  GW_ERR_INTAKE_UNSAFE_NAME: { kind: 'permanent', zh: '文件名不安全', en: 'unsafe file name' },
  GW_ERR_INTAKE_EMPTY: {
    kind: 'permanent',
    zh: '文件为空（0 字节）',
    en: 'file is empty (0 bytes)',
  },
  GW_ERR_INTAKE_BLOCKED: {
    kind: 'permanent',
    zh: '文件无法从收件箱取走（权限、不可变属性或文件名），已留在原处',
    en: 'the file cannot be taken from the inbox (permissions, immutable attribute or name); left in place',
  },
  GW_ERR_INPUT_MISSING: {
    kind: 'permanent',
    zh: '文件不存在或无法读取',
    en: 'file does not exist or cannot be read',
  },
  GW_ERR_INTAKE_TOO_LARGE: {
    kind: 'permanent',
    zh: '文件超过大小上限',
    en: 'file exceeds the size limit',
  },
  GW_ERR_XML_ENCODING: {
    kind: 'permanent',
    zh: '无法按声明的编码解码',
    en: 'cannot decode with the declared encoding',
  },
  GW_ERR_XML_MALFORMED: { kind: 'permanent', zh: 'XML 格式不正确', en: 'XML is not well-formed' },
  GW_ERR_XML_DTD: {
    kind: 'permanent',
    zh: '不允许 DTD 或实体声明',
    en: 'DTDs and entity declarations are not allowed',
  },
  GW_ERR_XML_LIMIT: {
    kind: 'permanent',
    zh: 'XML 超过大小或深度限制',
    en: 'XML exceeds size or depth limits',
  },
  GW_ERR_INPUT_LIMIT: {
    kind: 'permanent',
    zh: '输入超出限制（字段长度、行数、单元格数或解压后大小），未予读取',
    en: 'input exceeds a limit (field length, rows, cells or unpacked size) and was not read',
  },
  GW_ERR_TRANSLATE_ROOT: {
    kind: 'permanent',
    zh: '根元素或命名空间不符',
    en: 'wrong root element or namespace',
  },
  GW_ERR_TRANSLATE_FIELD: {
    kind: 'permanent',
    zh: '必填字段缺失或无效',
    en: 'required field missing or invalid',
  },
  GW_ERR_INPUT_ENCODING: {
    kind: 'permanent',
    zh: '无法确定或解码文件的字符编码',
    en: 'the character encoding of the file cannot be determined or decoded',
  },
  GW_ERR_INPUT_FORMAT: {
    kind: 'permanent',
    zh: '输入文件格式错误或已损坏',
    en: 'input file is malformed or truncated',
  },
  GW_ERR_INPUT_COLUMNS: {
    kind: 'permanent',
    zh: '输入文件缺少映射所需的列',
    en: 'input file lacks columns the mapping needs',
  },
  GW_ERR_MAPPING_CONFIG: {
    kind: 'permanent',
    zh: '映射配置无效',
    en: 'mapping configuration is invalid',
  },
  GW_ERR_TRANSLATE_MAPPING: {
    kind: 'permanent',
    zh: '字段值无法按映射转换',
    en: 'a value cannot be converted by the mapping',
  },
  GW_ERR_VALIDATION: {
    kind: 'permanent',
    zh: '报文未通过填制规范校验',
    en: 'the message fails the filling rules',
  },
  GW_ERR_EDOC_ATTACHMENT: {
    kind: 'permanent',
    zh: '随附单据不符合要求',
    en: 'an attached document (随附单据) breaks a rule',
  },
  GW_ERR_EDOC_PACKAGE: {
    kind: 'permanent',
    zh: '随附单据报文包不一致，未交给客户端',
    en: 'the declaration package with attachments is inconsistent and was not handed over',
  },
  GW_ERR_SIGN_KEY: {
    kind: 'permanent',
    zh: '签名密钥或证书无法读取',
    en: 'signing key or certificate cannot be read',
  },
  GW_ERR_SIGN_CERT_EXPIRED: {
    kind: 'permanent',
    zh: '签名证书已过期',
    en: 'signing certificate has expired',
    signerFatal: true,
  },
  GW_ERR_SIGN_FAILED: { kind: 'transient', zh: '签名失败', en: 'signing failed' },
  GW_ERR_SIGN_CARD_ABSENT: {
    kind: 'transient',
    zh: '操作员卡或读卡器未就绪，签名暂停',
    en: 'operator card or reader not present, signing paused',
  },
  GW_ERR_SIGN_PIN: {
    kind: 'permanent',
    zh: '卡口令（PIN）错误或已锁定',
    en: 'card PIN wrong or blocked',
    signerFatal: true,
  },
  GW_ERR_SIGN_PIN_LOW: {
    kind: 'permanent',
    zh: '卡口令（PIN）剩余尝试次数过少，为防止锁卡已停止校验',
    en: 'card PIN has too few tries left; verification stopped to keep the card from locking',
    signerFatal: true,
  },
  GW_ERR_SIGN_READER: {
    kind: 'transient',
    zh: '读卡器或 PC/SC 服务通信错误，稍后重试',
    en: 'card reader or PC/SC service communication error, will retry',
  },
  GW_ERR_SIGN_SERVICE_UNAVAILABLE: {
    kind: 'transient',
    zh: '电子口岸客户端控件（签名服务）无法连接，签名暂停',
    en: 'E-Port client control (signing service) unreachable, signing paused',
  },
  GW_ERR_SIGN_SERVICE_REPLY: {
    kind: 'transient',
    zh: '签名服务的应答无法识别',
    en: 'signing service reply not understood',
  },
  GW_ERR_SIGN_TIMEOUT: {
    kind: 'transient',
    zh: '签名服务未在时限内应答',
    en: 'signing service did not answer in time',
  },
  GW_ERR_SIGN_INPUT: {
    kind: 'permanent',
    zh: '待签数据无法交给签名服务（不是 UTF-8 文本）',
    en: 'data to sign cannot be passed to the signing service (not UTF-8 text)',
  },
  GW_ERR_SIGN_ALGORITHM: {
    kind: 'permanent',
    zh: '签名算法不受支持或与密钥不符',
    en: 'signature algorithm unsupported or does not match the key',
  },
  GW_ERR_SIGN_ALREADY_SIGNED: {
    kind: 'permanent',
    zh: '报文已带签名',
    en: 'the document is already signed',
  },
  GW_ERR_SIGNATURE_INVALID: {
    kind: 'permanent',
    zh: '数字签名无效',
    en: 'digital signature is invalid',
  },
  GW_ERR_DXP_ENVELOPE: { kind: 'permanent', zh: 'DXP 信封字段无效', en: 'DXP envelope invalid' },
  GW_ERR_DELIVER_NETWORK: {
    kind: 'transient',
    zh: '网络错误，稍后重试',
    en: 'network error, will retry',
  },
  GW_ERR_DELIVER_TIMEOUT: {
    kind: 'transient',
    zh: '发送超时，稍后重试',
    en: 'delivery timed out, will retry',
  },
  GW_ERR_DELIVER_REMOTE_5XX: {
    kind: 'transient',
    zh: '对方服务暂时不可用',
    en: 'remote service temporarily unavailable',
  },
  GW_ERR_DELIVER_REJECTED: {
    kind: 'permanent',
    zh: '对方拒收报文',
    en: 'remote side rejected the message',
  },
  GW_ERR_DELIVER_EXHAUSTED: {
    kind: 'permanent',
    zh: '重试次数或时限已用尽，报文未送达',
    en: 'retries exhausted, message not delivered',
  },
  GW_ERR_TLS_SERVER_UNTRUSTED: {
    kind: 'permanent',
    zh: '对方 TLS 证书不是由配置的 CA 签发，已拒绝连接',
    en: 'server TLS certificate is not issued by the configured CA; connection refused',
  },
  GW_ERR_TLS_SERVER_EXPIRED: {
    kind: 'permanent',
    zh: '对方 TLS 证书已过期或尚未生效',
    en: 'server TLS certificate has expired or is not yet valid',
  },
  GW_ERR_TLS_SERVER_NAME: {
    kind: 'permanent',
    zh: '对方 TLS 证书与访问的主机名不符',
    en: 'server TLS certificate does not match the host name',
  },
  GW_ERR_TLS_PIN: {
    kind: 'permanent',
    zh: '对方 TLS 证书公钥与配置的 pinSha256 不符，已拒绝连接',
    en: 'server TLS public key does not match the configured pinSha256; connection refused',
  },
  GW_ERR_TLS_CLIENT_REJECTED: {
    kind: 'permanent',
    zh: '对方拒绝了网关的客户端证书（缺少、不受信任或已过期）',
    en: "the server refused the gateway's client certificate (missing, untrusted or expired)",
  },
  GW_ERR_BREAKER_OPEN: {
    kind: 'transient',
    zh: '熔断器已打开，报文等待发送',
    en: 'circuit breaker open, message waits',
  },
  GW_ERR_RECEIPT_UNPARSEABLE: {
    kind: 'permanent',
    zh: '回执无法解析',
    en: 'receipt cannot be parsed',
  },
  GW_ERR_RECEIPT_UNMATCHED: {
    kind: 'permanent',
    zh: '回执无法对应到报文',
    en: 'receipt matches no message',
  },
  GW_ERR_RECEIPT_KEY_CONFLICT: {
    kind: 'permanent',
    zh: '回执中的关联编号指向不同的报文，未应用',
    en: 'the receipt’s keys point to different messages; not applied',
  },
  GW_ERR_RECEIPT_UNSUPPORTED: {
    kind: 'permanent',
    zh: '回执格式暂不支持',
    en: 'receipt format not supported',
  },
  GW_ERR_CUSTOMS_IMPORT_FAILED: {
    kind: 'permanent',
    zh: '海关导入失败',
    en: 'customs import failed',
  },
  GW_ERR_CUSTOMS_REJECTED: {
    kind: 'permanent',
    zh: '海关退单',
    en: 'customs rejected the declaration',
  },
  GW_ERR_SFTP_AUTH: {
    kind: 'permanent',
    zh: 'SFTP 登录被拒绝（用户名或私钥不符）',
    en: 'SFTP login refused (user name or private key not accepted)',
  },
  GW_ERR_SFTP_HOST_KEY: {
    kind: 'permanent',
    zh: 'SFTP 服务器主机密钥与配置的指纹不符，已拒绝连接',
    en: 'SFTP server host key does not match the pinned fingerprint; connection refused',
  },
  GW_ERR_SFTP_CONNECT: {
    kind: 'transient',
    zh: 'SFTP 连接失败或中断，稍后重试',
    en: 'SFTP connection failed or dropped, will retry',
  },
  GW_ERR_SFTP_PATH: {
    kind: 'permanent',
    zh: 'SFTP 远程目录不存在或无权限',
    en: 'SFTP remote path missing or permission denied',
  },
  GW_ERR_SFTP_IO: {
    kind: 'transient',
    zh: 'SFTP 文件操作失败，稍后重试',
    en: 'SFTP file operation failed, will retry',
  },
  GW_ERR_CLIENT_FOLDER: {
    kind: 'transient',
    zh: '单一窗口客户端目录不可用（共享目录未挂载或客户端未配置该业务），稍后重试',
    en: 'Single Window client folder unavailable (share not mounted or module not set up in the client), will retry',
  },
  GW_ERR_CLIENT_REFUSED: {
    kind: 'permanent',
    zh: '单一窗口客户端拒收报文（移入 FailBox）',
    en: 'the Single Window client refused the message (moved to FailBox)',
  },
  GW_ERR_AMQP_CONNECT: {
    kind: 'transient',
    zh: 'AMQP（RabbitMQ）连接失败或中断，稍后重试',
    en: 'AMQP (RabbitMQ) connection failed or dropped, will retry',
  },
  GW_ERR_AMQP_AUTH: {
    kind: 'permanent',
    zh: 'AMQP 登录被拒绝（用户名、密码或虚拟主机 vhost 不符）',
    en: 'AMQP login refused (user name, password or vhost not accepted)',
  },
  GW_ERR_AMQP_ACCESS: {
    kind: 'permanent',
    zh: 'AMQP 用户无权访问该交换机或队列',
    en: 'AMQP user has no permission on the exchange or queue',
  },
  GW_ERR_AMQP_NOT_FOUND: {
    kind: 'permanent',
    zh: 'AMQP 交换机或队列不存在',
    en: 'AMQP exchange or queue does not exist',
  },
  GW_ERR_AMQP_UNROUTABLE: {
    kind: 'permanent',
    zh: 'AMQP 报文无法路由：没有队列绑定到该交换机和路由键',
    en: 'AMQP message unroutable: no queue is bound to the exchange with this routing key',
  },
  GW_ERR_AMQP_BLOCKED: {
    kind: 'transient',
    zh: 'RabbitMQ 因内存或磁盘告警暂停接收，稍后重试',
    en: 'RabbitMQ blocks publishers (memory or disk alarm), will retry',
  },
  GW_ERR_AMQP_NACK: {
    kind: 'transient',
    zh: 'RabbitMQ 未确认接收报文（nack），稍后重试',
    en: 'RabbitMQ refused to confirm the message (nack), will retry',
  },
  GW_ERR_FEED_TOO_LARGE: {
    kind: 'transient',
    zh: '回执源的应答超过大小上限，未读取',
    en: 'the receipt feed answer exceeds the size limit and was not read',
  },
  GW_ERR_FEED_TIMEOUT: {
    kind: 'transient',
    zh: '回执源在总时限内未答完',
    en: 'the receipt feed did not answer within the total timeout',
  },
  GW_ERR_FEED_MALFORMED: {
    kind: 'transient',
    zh: '回执源的应答不是回执页（格式不符），游标不变，稍后重试',
    en: 'the receipt feed answered something that is not a feed page; the cursor stays, will retry',
  },
  GW_ERR_OPERATOR_REFUSED: {
    kind: 'permanent',
    zh: '操作员的操作被拒绝（报文或通道的状态不允许）',
    en: "the operator's action was refused (the message or channel is not in a state that allows it)",
  },
  GW_ERR_LEDGER_RECORD: {
    kind: 'transient',
    zh: '账本中的报文记录已损坏或格式不符，无法读取',
    en: 'the message record in the ledger is damaged or not in the expected form',
  },
  GW_ERR_INTERNAL: { kind: 'transient', zh: '内部错误', en: 'internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

/** True for the codes that stop a signer rather than fail a message (`signerFatal` in the catalogue). */
export function isSignerFatal(code: string): boolean {
  const entry = (ERRORS as Record<string, CatalogueEntry>)[code];
  return entry?.signerFatal === true;
}
