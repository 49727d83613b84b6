import type { GatewayStatus } from '../receipts/status.js';

export type Lang = 'zh' | 'en';

/** Every text the console shows, in Chinese and English. `{name}` is filled in by `t`. */
const TEXT = {
  title: { zh: '电子口岸网关控制台', en: 'eport gateway console' },
  'nav.overview': { zh: '概览', en: 'Overview' },
  'nav.messages': { zh: '报文查询', en: 'Messages' },
  'nav.problems': { zh: '异常报文', en: 'Dead and held' },
  'nav.unclaimed': { zh: '未取回执', en: 'Unclaimed receipts' },
  'nav.board': { zh: '队列看板', en: 'Queue board' },
  'nav.otherLang': { zh: 'English', en: '中文' },
  logout: { zh: '退出', en: 'Log out' },
  signedInAs: { zh: '当前令牌', en: 'Signed in as' },
  'login.title': { zh: '登录', en: 'Log in' },
  'login.token': { zh: '访问令牌', en: 'Access token' },
  'login.submit': { zh: '登录', en: 'Log in' },
  'login.hint': {
    zh: '使用配置 http.tokens 中的令牌登录；查看需要任一权限，操作需要 operate，队列看板需要 admin。',
    en: 'Log in with a token from http.tokens in the configuration; viewing needs any scope, actions need operate, the queue board needs admin.',
  },
  'login.failed': { zh: '令牌无效', en: 'Unknown token' },
  denied: { zh: '此令牌缺少权限', en: 'This token lacks the scope' },
  notFound: { zh: '报文不存在', en: 'No such message' },
  expired: { zh: '页面已过期，请重试', en: 'The page has expired; please try again' },
  'overview.queues': { zh: '队列', en: 'Queues' },
  'overview.channels': { zh: '通道', en: 'Channels' },
  'col.queue': { zh: '队列', en: 'Queue' },
  'col.waiting': { zh: '等待', en: 'Waiting' },
  'col.active': { zh: '处理中', en: 'Active' },
  'col.delayed': { zh: '延迟', en: 'Delayed' },
  'col.failed': { zh: '失败', en: 'Failed' },
  'col.channel': { zh: '通道', en: 'Channel' },
  'col.transport': { zh: '传输', en: 'Transport' },
  'col.breaker': { zh: '熔断器', en: 'Circuit breaker' },
  'col.hold': { zh: '发送', en: 'Sending' },
  'col.lastReceipt': { zh: '最新回执', en: 'Last receipt' },
  'col.unclaimed': { zh: '未取回执', en: 'Not collected' },
  'col.actions': { zh: '操作', en: 'Actions' },
  'col.time': { zh: '时间', en: 'Time' },
  'col.file': { zh: '文件', en: 'File' },
  'col.status': { zh: '状态', en: 'Status' },
  'col.businessKey': { zh: '业务编号', en: 'Business key' },
  'col.seqNo': { zh: '统一编号', en: '统一编号 (SeqNo)' },
  'col.entryId': { zh: '报关单号', en: '报关单号 (entry no.)' },
  'col.id': { zh: '报文 ID', en: 'Message id' },
  'col.stage': { zh: '环节', en: 'Stage' },
  'col.text': { zh: '说明', en: 'Details' },
  'col.kind': { zh: '类型', en: 'Kind' },
  'col.message': { zh: '报文', en: 'Message' },
  'col.client': { zh: '取走方', en: 'Client' },
  'breaker.closed': { zh: '正常', en: 'closed' },
  'breaker.open': { zh: '熔断', en: 'open' },
  'breaker.half-open': { zh: '试探中', en: 'half-open' },
  'breaker.since': { zh: '自 {at}', en: 'since {at}' },
  'hold.none': { zh: '正常发送', en: 'sending' },
  'hold.held': { zh: '已暂停（{by}，{at}）', en: 'on hold ({by}, {at})' },
  'hold.waiting': { zh: '{n} 个报文等待', en: '{n} message(s) waiting' },
  'action.hold': { zh: '暂停发送', en: 'Hold' },
  'action.release': { zh: '恢复发送', en: 'Release' },
  'action.retry': { zh: '重发', en: 'Retry' },
  'action.cancel': { zh: '撤销', en: 'Cancel' },
  reason: { zh: '原因', en: 'Reason' },
  none: { zh: '无', en: 'none' },
  'search.title': { zh: '报文查询', en: 'Find messages' },
  'search.q': {
    zh: '文件名、ClientSeqNo、统一编号、报关单号或报文 ID',
    en: 'File name, ClientSeqNo, 统一编号, 报关单号 or message id',
  },
  'search.from': { zh: '受理日期自（北京时间）', en: 'Accepted from (China time)' },
  'search.to': { zh: '至', en: 'to' },
  'search.submit': { zh: '查询', en: 'Search' },
  'search.all': { zh: '全部', en: 'all' },
  'search.none': { zh: '未找到报文', en: 'No message found' },
  'search.scope': { zh: '在最近 {n} 条报文中查找', en: 'Among the {n} most recent messages' },
  'detail.title': { zh: '报文', en: 'Message' },
  'detail.created': { zh: '接收时间', en: 'Received' },
  'detail.updated': { zh: '更新时间', en: 'Updated' },
  'detail.delivered': { zh: '送达时间', en: 'Delivered' },
  'detail.messageType': { zh: '报文类型', en: 'Message type' },
  'detail.heldBy': { zh: '暂停', en: 'Held by' },
  'detail.error': { zh: '错误代码', en: 'Error code' },
  'detail.timeline': { zh: '时间线', en: 'Timeline' },
  'detail.receipts': { zh: '回执', en: 'Receipts' },
  'detail.noReceipts': { zh: '尚无回执', en: 'No receipts yet' },
  'detail.collected': { zh: '已被取走的回执', en: 'Receipts collected through the API' },
  'detail.downloads': { zh: '下载', en: 'Downloads' },
  'file.original': { zh: '原始文件', en: 'Original' },
  'file.message': { zh: '标准报文', en: 'Standard message' },
  'file.signed': { zh: '签名报文', en: 'Signed message' },
  'file.delivered': { zh: '发送的报文', en: 'Message as sent' },
  'file.receipt': { zh: '回执', en: 'Receipt' },
  'problems.waiting': { zh: '等待最久、尚未送达的报文', en: 'Longest waiting, not yet delivered' },
  'overview.signers': { zh: '签名器与证书', en: 'Signers and certificates' },
  'alerts.title': { zh: 'SLA 告警（{n}）', en: 'SLA alerts ({n})' },
  'alerts.count': { zh: 'SLA 告警 {n}', en: 'SLA alerts {n}' },
  'alerts.about': {
    zh: '已发送但超过通道回执时限（receiptSlaMs）仍未收到海关业务回执的报文，最新的在前',
    en: 'Messages sent but without a customs business receipt past the channel SLA (receiptSlaMs), newest first',
  },
  'alerts.none': { zh: '当前没有告警', en: 'No alert now' },
  'alerts.raised': { zh: '已告警', en: 'alert raised' },
  'alerts.due': { zh: '已超时，待检查', en: 'past deadline, check due' },
  'col.pinTries': { zh: 'PIN 剩余次数', en: 'PIN tries left' },
  'pin.unknown': { zh: '未知', en: 'unknown' },
  'col.signer': { zh: '签名器', en: 'Signer' },
  'col.state': { zh: '状态', en: 'State' },
  'col.certificate': { zh: '证书', en: 'Certificate' },
  'col.expiry': { zh: '有效期至', en: 'Valid until' },
  'cert.daysLeft': { zh: '剩 {n} 天', en: '{n} day(s) left' },
  'cert.expired': { zh: '已过期', en: 'expired' },
  'problems.title': { zh: '异常与暂停的报文', en: 'Dead, failed and held messages' },
  'problems.dead': {
    zh: '已放弃（重试用尽，可重发）',
    en: 'Dead (retries used up; can be sent again)',
  },
  'problems.failed': { zh: '失败（永久错误）', en: 'Failed (permanent error)' },
  'problems.held': { zh: '暂停发送的报文', en: 'Messages on hold' },
  'unclaimed.title': { zh: '无人取走的回执', en: 'Receipts nobody collected' },
  'unclaimed.noPollers': {
    zh: '没有带 receipts 权限的令牌：回执只写入发件箱目录，不经接口取走。',
    en: 'No token has the receipts scope: receipts go to the outbox folders only, none are collected through the API.',
  },
  'unclaimed.orphans': {
    zh: '无法对应到报文的回执（orphans）',
    en: 'Receipts that match no message (orphans)',
  },
  'unclaimed.more': { zh: '仅显示最早的 {n} 条', en: 'Only the oldest {n} are shown' },
} as const satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof TEXT;

/** Status names as operators say them; the English is the gateway's own status word. */
const STATUS_ZH: Record<GatewayStatus, string> = {
  received: '已接收',
  translated: '已转换',
  signed: '已加签',
  sent: '已发送',
  imported: '已导入',
  declared: '已申报',
  accepted: '已入库',
  audited: '已审结',
  inspection: '查验',
  'tax-due': '待缴税',
  released: '已放行',
  closed: '已结关',
  rejected: '退单',
  cancelled: '已撤销',
  failed: '失败',
  dead: '已放弃',
};

/** A console text in the language, with `{name}` placeholders filled in. */
export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

export function statusText(lang: Lang, status: GatewayStatus): string {
  return lang === 'zh' ? `${STATUS_ZH[status] ?? status}` : status;
}

/** The language a request asked for (its cookie), Chinese unless it said English. */
export function langOf(cookie: string | undefined): Lang {
  return cookie === 'en' ? 'en' : 'zh';
}
