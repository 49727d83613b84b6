/**
 * How an operator fixes each error of the catalogue (`error-catalogue.ts`), in Chinese and
 * English. Kept beside the catalogue and typed by its codes, so a new code cannot be added
 * without its fix; `docs/errors.md` is generated from both (`npm run docs:errors`).
 */
import type { ErrorCode } from './errors.js';

export interface ErrorFix {
  readonly zh: string;
  readonly en: string;
}

const fix = (zh: string, en: string): ErrorFix => ({ zh, en });
const RETRY = fix(
  '无需处理：网关会自动重试；持续出现时检查对端服务和网络。',
  'Nothing: the gateway retries by itself; if it persists, check the far side and the network.',
);

export const ERROR_FIXES: Readonly<Record<ErrorCode, ErrorFix>> = {
  GW_ERR_CONFIG: fix(
    '运行 `eport config check --config <文件>`，按列出的位置修改配置。',
    'Run `eport config check --config <file>` and fix the places it lists.',
  ),
  GW_ERR_REDIS_EVICTION: fix(
    '在 Redis 中设置 `maxmemory-policy noeviction`（redis.conf 或 CONFIG SET），然后重启网关。',
    'Set `maxmemory-policy noeviction` in Redis (redis.conf or CONFIG SET), then start the gateway again.',
  ),
  GW_ERR_DATA_DIR_LOCKED: fix(
    '停止另一个使用该 dataDir 的网关实例，或为本实例配置另一个 dataDir。',
    'Stop the other gateway that uses this dataDir, or give this one its own dataDir.',
  ),
  GW_ERR_REDIS_UNAVAILABLE: fix(
    '检查 redis.url 和 Redis 服务是否运行；恢复后网关自动继续。',
    'Check redis.url and that Redis runs; the gateway carries on once it is back.',
  ),
  GW_ERR_INTAKE_UNSAFE_NAME: fix(
    '改用不含路径分隔符、控制字符或链接的普通文件名，重新放入收件箱。',
    'Rename the file to a plain name (no path separators, control characters or links) and drop it in again.',
  ),
  GW_ERR_INTAKE_EMPTY: fix(
    '检查生成文件的程序；放入完整文件（大于 0 字节）。',
    'Check the program that wrote it; drop in the complete file (more than 0 bytes).',
  ),
  GW_ERR_INTAKE_BLOCKED: fix(
    '检查收件箱中该文件的权限、不可变属性（chattr -i）和文件名，修正后网关会再次尝试。',
    'Check the file’s permissions, immutable attribute (chattr -i) and name in the inbox; the gateway tries again once fixed.',
  ),
  GW_ERR_INPUT_MISSING: fix(
    '确认文件路径正确且网关用户可读。',
    'Check the path and that the gateway’s user can read the file.',
  ),
  GW_ERR_INTAKE_TOO_LARGE: fix(
    '拆分文件，或在配置中提高该通道的 maxBytes。',
    'Split the file, or raise the channel’s maxBytes in the configuration.',
  ),
  GW_ERR_XML_ENCODING: fix(
    '按 XML 声明中的编码（如 UTF-8、GBK）保存文件，或改正声明。',
    'Save the file in the encoding its XML declaration names (UTF-8, GBK…), or correct the declaration.',
  ),
  GW_ERR_XML_MALFORMED: fix(
    '按错误中给出的行列修正 XML（未闭合的元素、非法字符）。',
    'Fix the XML at the line and column given (unclosed elements, illegal characters).',
  ),
  GW_ERR_XML_DTD: fix(
    '删除 DOCTYPE 和实体声明；报文不需要它们。',
    'Remove the DOCTYPE and entity declarations; messages do not need them.',
  ),
  GW_ERR_XML_LIMIT: fix('拆分报文，或减少嵌套层数。', 'Split the document, or reduce its nesting.'),
  GW_ERR_INPUT_LIMIT: fix(
    '拆分输入文件，或检查其是否损坏（压缩炸弹、超长单元格）。',
    'Split the input file, or check it is not damaged (zip bomb, overlong cells).',
  ),
  GW_ERR_TRANSLATE_ROOT: fix(
    '确认文件放入了正确的通道，且根元素与命名空间符合该报文类型。',
    'Check the file went to the right channel and its root element and namespace fit the message type.',
  ),
  GW_ERR_TRANSLATE_FIELD: fix(
    '按错误列出的字段补全或修正数据后重新提交。',
    'Fill in or correct the fields the error lists, then submit again.',
  ),
  GW_ERR_INPUT_ENCODING: fix(
    '以 UTF-8 或 GBK 保存文件，或在映射中指定 encoding。',
    'Save the file as UTF-8 or GBK, or set the encoding in the mapping.',
  ),
  GW_ERR_INPUT_FORMAT: fix(
    '用原程序重新导出文件（CSV、XLSX、JSON），确认没有截断。',
    'Export the file again from its program (CSV, XLSX, JSON) and check it is complete.',
  ),
  GW_ERR_INPUT_COLUMNS: fix(
    '在文件中加入缺少的列，或修改映射中的列名。',
    'Add the missing columns to the file, or change the column names in the mapping.',
  ),
  GW_ERR_MAPPING_CONFIG: fix(
    '按错误位置修改映射文件，然后运行 `eport config check`。',
    'Fix the mapping file where the error points, then run `eport config check`.',
  ),
  GW_ERR_TRANSLATE_MAPPING: fix(
    '修正该字段的值，或在映射的代码表中补充对应关系。',
    'Correct the value, or add the entry to the mapping’s code table.',
  ),
  GW_ERR_VALIDATION: fix(
    '按列出的填制规范规则修正报文后重新提交。',
    'Correct the message by the filling rules listed, then submit again.',
  ),
  GW_ERR_SIGN_KEY: fix(
    '检查签名器配置的密钥、证书路径和口令，运行 `eport doctor`。',
    'Check the signer’s key and certificate paths and passphrase; run `eport doctor`.',
  ),
  GW_ERR_SIGN_CERT_EXPIRED: fix(
    '更换有效的证书或操作员卡（到期前续签），然后重发等待中的报文。',
    'Install a valid certificate or operator card (renew before expiry), then retry the waiting messages.',
  ),
  GW_ERR_SIGN_FAILED: RETRY,
  GW_ERR_SIGN_CARD_ABSENT: fix(
    '插入操作员卡并检查读卡器和 pcscd（`pcsc_scan`）；卡就绪后签名自动继续。',
    'Insert the operator card and check the reader and pcscd (`pcsc_scan`); signing resumes when the card is ready.',
  ),
  GW_ERR_SIGN_PIN: fix(
    '在配置中更正卡口令（PIN）；卡已锁定时到发卡机构解锁。然后重启网关。',
    'Correct the card PIN in the configuration; a blocked card is unblocked by its issuer. Then restart the gateway.',
  ),
  GW_ERR_SIGN_PIN_LOW: fix(
    '先用发卡机构的工具核对口令并重置尝试次数，再重启网关。',
    'Check the PIN with the issuer’s tool and reset the try counter first, then restart the gateway.',
  ),
  GW_ERR_SIGN_READER: fix(
    '检查读卡器连接和 pcscd 服务；网关会自动重试。',
    'Check the reader’s connection and the pcscd service; the gateway retries.',
  ),
  GW_ERR_SIGN_SERVICE_UNAVAILABLE: fix(
    '启动电子口岸客户端控件并检查其地址配置；连上后签名自动继续。',
    'Start the E-Port client control and check its address in the configuration; signing resumes once it answers.',
  ),
  GW_ERR_SIGN_SERVICE_REPLY: fix(
    '确认客户端控件版本受支持；持续出现时收集日志报告。',
    'Check the client control’s version is supported; if it persists, report it with the logs.',
  ),
  GW_ERR_SIGN_TIMEOUT: fix(
    '检查卡和客户端控件是否响应；网关会自动重试。',
    'Check that the card and the client control respond; the gateway retries.',
  ),
  GW_ERR_SIGN_INPUT: fix(
    '确认报文为 UTF-8 文本（或让网关转码），然后重新提交。',
    'Make sure the message is UTF-8 text (or let the gateway transcode it), then submit again.',
  ),
  GW_ERR_SIGN_ALGORITHM: fix(
    '在签名器配置中选择与密钥相符的算法（RSA 或 SM2）。',
    'Choose the algorithm that fits the key (RSA or SM2) in the signer configuration.',
  ),
  GW_ERR_SIGN_ALREADY_SIGNED: fix(
    '提交未签名的报文，或为该通道关闭网关签名。',
    'Submit the unsigned message, or turn off the gateway’s signing for this channel.',
  ),
  GW_ERR_SIGNATURE_INVALID: fix(
    '检查签名后报文是否被改动，以及证书是否与密钥匹配。',
    'Check the message was not changed after signing and that the certificate matches the key.',
  ),
  GW_ERR_DXP_ENVELOPE: fix(
    '修正配置中的 DXP 发送方/接收方编号（senderId、receiverIds）。',
    'Correct the DXP sender and receiver ids (senderId, receiverIds) in the configuration.',
  ),
  GW_ERR_DELIVER_NETWORK: RETRY,
  GW_ERR_DELIVER_TIMEOUT: RETRY,
  GW_ERR_DELIVER_REMOTE_5XX: RETRY,
  GW_ERR_DELIVER_REJECTED: fix(
    '按对方返回的原因修正报文或传输配置后重新提交。',
    'Correct the message or the transport settings by the reason the far side gave, then submit again.',
  ),
  GW_ERR_DELIVER_EXHAUSTED: fix(
    '排除连接问题后用 `eport retry` 重发该报文。',
    'Clear the connection problem, then resend the message with `eport retry`.',
  ),
  GW_ERR_TLS_SERVER_UNTRUSTED: fix(
    '在传输的 tls.ca 中配置签发对方证书的 CA。',
    'Put the CA that issued the server’s certificate in the transport’s tls.ca.',
  ),
  GW_ERR_TLS_SERVER_EXPIRED: fix(
    '请对方更换证书；同时检查本机时钟。',
    'Ask the far side to renew its certificate; also check this machine’s clock.',
  ),
  GW_ERR_TLS_SERVER_NAME: fix(
    '使用证书中的主机名作为 URL，或请对方签发匹配的证书。',
    'Use the host name in the certificate in the URL, or ask for a matching certificate.',
  ),
  GW_ERR_TLS_PIN: fix(
    '确认对方是否更换了密钥；是则更新 pinSha256，否则停止并排查。',
    'Find out whether the far side changed its key; if so update pinSha256, otherwise stop and investigate.',
  ),
  GW_ERR_TLS_CLIENT_REJECTED: fix(
    '检查 tls.cert 和 tls.key，确认客户端证书有效且已在对方登记。',
    'Check tls.cert and tls.key, and that the client certificate is valid and registered with the far side.',
  ),
  GW_ERR_BREAKER_OPEN: fix(
    '无需处理：对方恢复后熔断器自动关闭；持续打开时检查对方服务。',
    'Nothing: the breaker closes when the far side recovers; if it stays open, check the far side.',
  ),
  GW_ERR_RECEIPT_UNPARSEABLE: fix(
    '回执文件保留在失败目录；检查其来源和格式，必要时报告。',
    'The receipt is kept in the failed folder; check its origin and format, and report it if needed.',
  ),
  GW_ERR_RECEIPT_UNMATCHED: fix(
    '用 `eport find` 核对该报文是否由本网关发送；回执文件保留在失败目录。',
    'Check with `eport find` whether this gateway sent the message; the receipt is kept in the failed folder.',
  ),
  GW_ERR_RECEIPT_KEY_CONFLICT: fix(
    '人工核对回执中的编号和相关报文，不要自动重放。',
    'Check the receipt’s numbers against the messages by hand; do not replay it automatically.',
  ),
  GW_ERR_RECEIPT_UNSUPPORTED: fix(
    '回执文件保留；如需支持该格式，请报告并附样例。',
    'The receipt is kept; report the format with a sample if it should be supported.',
  ),
  GW_ERR_CUSTOMS_IMPORT_FAILED: fix(
    '按回执中的海关说明修正报文后重新申报。',
    'Correct the message by the customs note in the receipt, then declare again.',
  ),
  GW_ERR_CUSTOMS_REJECTED: fix(
    '按退单原因修改报关单后重新申报。',
    'Amend the declaration by the rejection reason, then declare again.',
  ),
  GW_ERR_SFTP_AUTH: fix(
    '检查 SFTP 用户名和私钥，并确认公钥已在服务器登记。',
    'Check the SFTP user name and private key, and that the public key is registered on the server.',
  ),
  GW_ERR_SFTP_HOST_KEY: fix(
    '向对方核实主机密钥；确认更换后更新 knownHostKey，否则停止并排查。',
    'Confirm the host key with the far side; update knownHostKey only if it really changed.',
  ),
  GW_ERR_SFTP_CONNECT: RETRY,
  GW_ERR_SFTP_PATH: fix(
    '在服务器上创建该目录或授予权限，或修改配置中的路径。',
    'Create the folder on the server or grant access, or correct the path in the configuration.',
  ),
  GW_ERR_SFTP_IO: RETRY,
  GW_ERR_CLIENT_FOLDER: fix(
    '挂载共享目录并在单一窗口客户端中启用该业务；恢复后自动重试。',
    'Mount the share and enable the module in the Single Window client; the gateway retries.',
  ),
  GW_ERR_CLIENT_REFUSED: fix(
    '查看 FailBox 中客户端的原因，修正报文后重新提交。',
    'Read the client’s reason in FailBox, correct the message and submit again.',
  ),
  GW_ERR_AMQP_CONNECT: RETRY,
  GW_ERR_AMQP_AUTH: fix(
    '检查 AMQP URL 中的用户名、密码和 vhost。',
    'Check the user name, password and vhost in the AMQP URL.',
  ),
  GW_ERR_AMQP_ACCESS: fix(
    '在 RabbitMQ 中为该用户授予交换机或队列的权限。',
    'Grant the user access to the exchange or queue in RabbitMQ.',
  ),
  GW_ERR_AMQP_NOT_FOUND: fix(
    '在 RabbitMQ 中声明交换机或队列，或修改配置中的名称。',
    'Declare the exchange or queue in RabbitMQ, or correct the name in the configuration.',
  ),
  GW_ERR_AMQP_UNROUTABLE: fix(
    '为该交换机和路由键绑定队列，或修改配置中的路由键。',
    'Bind a queue to the exchange with this routing key, or correct the routing key.',
  ),
  GW_ERR_AMQP_BLOCKED: fix(
    '释放 RabbitMQ 的内存或磁盘；告警解除后自动继续。',
    'Free memory or disk on the RabbitMQ node; publishing resumes when the alarm clears.',
  ),
  GW_ERR_AMQP_NACK: RETRY,
  GW_ERR_FEED_TOO_LARGE: fix(
    '请回执源减小每页条数，或提高该回执源的 maxBytes。',
    'Ask the feed for smaller pages, or raise the receipt source’s maxBytes.',
  ),
  GW_ERR_FEED_TIMEOUT: RETRY,
  GW_ERR_FEED_MALFORMED: fix(
    '游标不变，网关会重试；持续出现时检查回执源的地址和版本。',
    'The cursor stays and the gateway retries; if it persists, check the feed’s URL and version.',
  ),
  GW_ERR_OPERATOR_REFUSED: fix(
    '用 `eport status` 查看报文或通道的当前状态，再选择适用的操作。',
    'Look at the message’s or channel’s state with `eport status`, then choose an action that fits it.',
  ),
  GW_ERR_LEDGER_RECORD: fix(
    '检查 Redis 中该报文记录是否被外部修改；持续出现时附日志报告。',
    'Check whether the message record in Redis was changed from outside; if it persists, report it with the logs.',
  ),
  GW_ERR_EDOC_ATTACHMENT: fix(
    '按错误所列的文件和规则修改随附单据（PDF 格式、大小、清单中的单证代码），再重新投递报关单及其附件。',
    'Fix the attachment the error names (PDF format, size, the document code in the manifest), then drop the declaration and its attachments again.',
  ),
  GW_ERR_EDOC_PACKAGE: fix(
    '按错误所列修改随附单据清单（EdocCopId 与文件一一对应、文件名不重复），再重新投递。',
    'Fix the attachment list as the error says (each EdocCopId names one file, no two names alike), then drop it again.',
  ),
  GW_ERR_INTERNAL: fix(
    '网关会重试；持续出现时请附日志报告。',
    'The gateway retries; if it persists, report it with the logs.',
  ),
};

/** Fixes for the notice codes (not failures) that receipts and ledger events carry. */
export const NOTICE_FIXES: Readonly<Record<string, ErrorFix>> = {
  GW_DUPLICATE: fix(
    '无需处理：相同文件只发送一次；确需重发时修改内容或使用 `eport retry`。',
    'Nothing: an identical file is sent once; to send again, change it or use `eport retry`.',
  ),
  GW_CANCELLED: fix(
    '无需处理；如需发送，重新提交文件。',
    'Nothing; submit the file again if it should be sent.',
  ),
  GW_ALERT_NO_RECEIPT: fix(
    '在单一窗口核对该报文的状态，并检查回执源；必要时调整通道的 receiptSlaMs。',
    'Check the message in the Single Window and the receipt source; adjust the channel’s receiptSlaMs if needed.',
  ),
};
