// Chinese by default, English on request (remembered in localStorage). Every visible string goes through t().
const DICT = {
  zh: {
    brand: "案链 CaseLedger",
    tagline: "个人不良贷款处置联盟",
    login_title: "登录控制台",
    login_help: "粘贴 npm start 打印的令牌（或本机构管理员发给您的令牌）。控制台会找到令牌所属机构的网关。",
    token: "访问令牌",
    login: "登录",
    logout: "退出",
    lang_switch: "English",
    checking: "正在查找令牌所属的机构…",
    token_unknown: "令牌无效或已过期：联盟中没有任何网关认得它。",
    token_expired: "登录已失效（令牌无效、已吊销或已过期），请重新登录。",
    role_lender: "贷款机构",
    role_agency: "催收机构",
    role_court: "法院",
    role_admin: "管理员",
    tab_upload: "上传清单",
    tab_lists: "清单与分配",
    tab_cases: "案件",
    tab_portfolio: "概览",
    tab_mycases: "我的案件",
    tab_check: "权属核验",
    tab_evidence: "证据存证",
    tab_verify: "核验文件",
    drop_here: "把案件清单 CSV 拖到这里，或点击选择文件",
    drop_hint: "UTF-8 或 GB18030，表头中文或英文均可；单行错误不会影响整份文件。",
    uploading: "正在上传",
    processing: "上传完成，正在校验…",
    upload_failed: "上传失败",
    recent_lists: "最近上传的清单",
    file: "文件",
    time: "时间",
    state: "状态",
    rows: "行数",
    accepted: "通过",
    duplicate: "重复",
    rejected: "拒绝",
    debtors: "债务人",
    updates: "更新",
    open: "打开",
    report: "校验报告",
    filter_status: "状态",
    filter_code: "错误代码",
    all: "全部",
    line: "行号",
    loan_ref: "合同编号",
    status: "状态",
    problems: "问题",
    load_more: "加载更多",
    download_rejected: "下载被拒绝的行（CSV）",
    preview_allocation: "预览分配",
    allocation: "分配预览",
    by_agency: "按机构汇总",
    agency: "机构",
    cases: "案件数",
    outstanding: "欠款余额",
    unmatched: "未匹配（留在本机构）",
    skipped: "已在处置中（跳过）",
    decisions: "每个案件的分配结果与理由",
    reason: "理由",
    score: "得分",
    stays_with_lender: "留在本机构",
    mandate_days: "委托期限（天）",
    commit: "提交上链",
    committing: "正在上链并移交案件…",
    committed: "已上链，案件资料已移交给催收机构。",
    already_committing: "该分配已在提交中或已提交，无需重复操作。",
    progress: "进度",
    handover: "资料移交",
    handover_dead_letter: "资料移交多次失败，已停止自动重试",
    handover_cancelled: "资料移交已取消（链上显示机构已不再持有这些案件，或机构已暂停）",
    handover_retry: "重试移交",
    search_loanref: "按合同编号查找",
    search: "查找",
    no_case: "没有找到这个案件。",
    case_detail: "案件详情",
    creditor: "债权人",
    until: "委托截止",
    since: "委托开始",
    history: "链上记录",
    evidence_timeline: "证据时间线",
    recall: "召回",
    recall_confirm: "确定召回这个案件吗？召回后该机构立即无权再处理此案。",
    recall_sent: "召回已提交，正在上链…",
    recall_done: "已召回。",
    my_cases_help: "指派给本机构的案件。联系债务人之前，请先做权属核验。",
    accept: "接受",
    return_case: "退回",
    letter: "授权书",
    selected: "已选",
    action_sent: "已提交，正在上链…",
    action_done: "已完成",
    check_by: "核验方式",
    by_id: "身份证号",
    by_loanref: "合同编号",
    by_casekey: "案件键",
    id_number: "身份证号",
    id_note: "身份证号只在本机构网关内做哈希比对，不会出现在网址、日志或链上。",
    creditor_member: "债权机构",
    check: "核验",
    authorized_yes: "已获授权",
    authorized_no: "未获授权",
    proof: "链上证明",
    chain_id: "链 ID",
    contract: "合约",
    tx: "交易",
    block: "区块",
    checked_at: "核验时间",
    no_cases_for_id: "链上没有该债务人由任何机构持有的案件。",
    evidence_soon: "证据存证（上传文件 → 下载回执）将随证据存证功能一起上线（coming with the evidence issue）。",
    evidence_timeline_soon: "证据时间线将随证据存证功能一起上线（coming with the evidence issue）。",
    verify_soon: "文件核验页将随证据存证功能一起上线（coming with the evidence issue）：拖入文件与回执即可得到核验结论。",
    record_verification_soon: "登记核验结果将随证据存证功能一起上线（coming with the evidence issue）。",
    open_verifier: "打开核验页",
    verifier_help: "文件只在浏览器中计算哈希，不会上传；该页面另存到本地后离线也能使用。",
    letter_title: "催收授权书",
    letter_body: "兹授权 {agency} 在委托期限内，就下列案件代表 {creditor} 开展合法合规的催收工作。",
    letter_case: "案件",
    letter_debtor: "债务人",
    letter_period: "委托期限",
    letter_scan: "扫描二维码，可随时核验该机构当前是否仍获授权",
    letter_issued: "出具时间",
    letter_code: "核验码",
    print: "打印 / 存为 PDF",
    back: "返回",
    letter_failed: "无法出具授权书",
    portfolio_status: "案件状态",
    portfolio_outstanding: "各机构在催欠款余额（元）",
    portfolio_recovery: "各机构回收率（%）",
    portfolio_aging: "逾期账龄（案件数）",
    total_cases: "案件总数",
    total_outstanding: "欠款余额合计",
    days: "天",
    loading: "加载中…",
    error: "出错了",
    not_found_or_not_yours: "没有找到这个案件，或者它不属于本机构。",
    not_csv: "这不是 CSV 案件清单。请上传 .csv 文本文件。",
    court_help: "法院可核验处置证据文件与其回执，并把核验结果登记上链。",
    yuan: "元",
    status_NotOnChain: "未分配",
    status_Registered: "已登记",
    status_Assigned: "已委托",
    status_Accepted: "已接受",
    status_Returned: "已退回",
    status_Recalled: "已召回",
    status_Settled: "已结清",
    status_Closed: "已关闭",
    status_Expired: "已过期",
    status_None: "无",
    pub_title: "授权核验",
    pub_help: "此页面告诉您：出示授权书的机构现在是否仍获债权人授权处理您的案件。",
    pub_agency: "催收机构",
    pub_creditor: "债权人",
    pub_debtor: "债务人",
    pub_case: "合同编号",
    pub_until: "授权有效至",
    pub_not_found: "此核验码无效：可能输入有误或被篡改。请勿向对方透露任何个人信息，并向债权人核实。",
    pub_rate: "查询过于频繁，请稍后再试。",
    pub_footer: "数据来自联盟链上的委托记录；本页只显示脱敏信息。",
    duplicate_row: "与本文件中前面的行完全相同，已忽略",
    record_evidence: "记录为证据",
    evidence_kind: "类型",
    evidence_help: "文件在网关中计算哈希并写入本机构的证据日志，定期锚定上链；锚定后可下载回执，法院凭文件与回执即可核验。",
    evidence_recorded: "已记录为证据",
    receipt_pending: "等待锚定上链后生成回执…",
    receipt_still_pending: "尚未锚定，请稍后在案件页面再下载回执。",
    download_receipt: "下载回执",
    no_held_cases: "本机构目前没有持有中的案件。",
    size: "字节",
    anchored: "已锚定",
    verify_in_console: "核验文件与回执",
    receipt_file: "回执（.receipt.json）",
    evidence_file: "证据文件",
    verify: "核验",
    receipt_not_json: "回执不是有效的 JSON 文件，请选择 .receipt.json 回执。",
    record_verification: "登记核验结果上链",
    verification_recorded: "核验结果已登记上链",
    verdict_valid: "有效：文件与回执一致，且已锚定上链",
    verdict_invalid: "无效",
    verdict_incomplete: "不完整：部分内容无法核验",
    verdict_pending: "尚未锚定",
    hash_local: "文件只在浏览器中计算哈希，不会上传。",
    ended_hint: "如对方仍以该案件名义联系您，请向债权人核实或投诉。",
  },
  en: {
    brand: "CaseLedger 案链",
    tagline: "Personal-loan NPL disposal consortium",
    login_title: "Log in to the console",
    login_help: "Paste a token printed by npm start (or given to you by your institution's admin). The console finds the gateway of the institution the token belongs to.",
    token: "Access token",
    login: "Log in",
    logout: "Log out",
    lang_switch: "中文",
    checking: "Finding the institution of this token…",
    token_unknown: "Invalid or expired token: no gateway of the consortium knows it.",
    token_expired: "Your session has ended (token invalid, revoked or expired). Please log in again.",
    role_lender: "Lender",
    role_agency: "Agency",
    role_court: "Court",
    role_admin: "Admin",
    tab_upload: "Upload",
    tab_lists: "Lists & allocation",
    tab_cases: "Cases",
    tab_portfolio: "Portfolio",
    tab_mycases: "My cases",
    tab_check: "Ownership check",
    tab_evidence: "Evidence",
    tab_verify: "Verify a file",
    drop_here: "Drop a case list CSV here, or click to choose a file",
    drop_hint: "UTF-8 or GB18030, Chinese or English headers; one bad row never fails the file.",
    uploading: "Uploading",
    processing: "Uploaded; validating…",
    upload_failed: "Upload failed",
    recent_lists: "Recent uploads",
    file: "File",
    time: "Time",
    state: "State",
    rows: "Rows",
    accepted: "Accepted",
    duplicate: "Duplicate",
    rejected: "Rejected",
    debtors: "Debtors",
    updates: "Updates",
    open: "Open",
    report: "Validation report",
    filter_status: "Status",
    filter_code: "Error code",
    all: "All",
    line: "Line",
    loan_ref: "Loan ref",
    status: "Status",
    problems: "Problems",
    load_more: "Load more",
    download_rejected: "Download rejected rows (CSV)",
    preview_allocation: "Preview allocation",
    allocation: "Allocation preview",
    by_agency: "Totals per agency",
    agency: "Agency",
    cases: "Cases",
    outstanding: "Outstanding",
    unmatched: "Unmatched (stay with you)",
    skipped: "Already in disposal (skipped)",
    decisions: "Every case: where it goes and why",
    reason: "Reason",
    score: "Score",
    stays_with_lender: "stays with you",
    mandate_days: "Mandate (days)",
    commit: "Commit to the chain",
    committing: "Committing on chain and handing the cases over…",
    committed: "On chain; the case details were handed over to the agencies.",
    already_committing: "This allocation is already being committed (or was committed): nothing to do.",
    progress: "Progress",
    handover: "Handover",
    handover_dead_letter: "The handover failed too often; automatic retries stopped",
    handover_cancelled: "Handover cancelled (the chain shows the agency no longer holds these cases, or it is suspended)",
    handover_retry: "Retry the handover",
    search_loanref: "Find by loan ref",
    search: "Search",
    no_case: "No such case.",
    case_detail: "Case",
    creditor: "Creditor",
    until: "Mandate until",
    since: "Mandate since",
    history: "On-chain history",
    evidence_timeline: "Evidence timeline",
    recall: "Recall",
    recall_confirm: "Recall this case? The agency loses its authorization at once.",
    recall_sent: "Recall submitted; waiting for the chain…",
    recall_done: "Recalled.",
    my_cases_help: "Cases assigned to your agency. Check ownership before you contact anyone.",
    accept: "Accept",
    return_case: "Return",
    letter: "Letter",
    selected: "selected",
    action_sent: "Submitted; waiting for the chain…",
    action_done: "Done",
    check_by: "Check by",
    by_id: "ID number",
    by_loanref: "Loan ref",
    by_casekey: "Case key",
    id_number: "ID number",
    id_note: "The ID number is hashed inside your gateway; it never appears in a URL, a log or on chain.",
    creditor_member: "Creditor",
    check: "Check",
    authorized_yes: "Authorized",
    authorized_no: "Not authorized",
    proof: "On-chain proof",
    chain_id: "Chain id",
    contract: "Contract",
    tx: "Transaction",
    block: "Block",
    checked_at: "Checked at",
    no_cases_for_id: "No case of this debtor is held by any agency on chain.",
    evidence_soon: "Recording evidence (upload a file → download its receipt) is coming with the evidence issue.",
    evidence_timeline_soon: "The evidence timeline is coming with the evidence issue.",
    verify_soon: "The verifier (drop a file and its receipt → the explained verdict) is coming with the evidence issue.",
    record_verification_soon: "Recording a verification is coming with the evidence issue.",
    open_verifier: "Open the verifier",
    verifier_help: "The file is hashed in your browser and never uploaded; the page also works saved to disk, offline.",
    letter_title: "Authorization letter",
    letter_body: "{creditor} authorizes {agency} to collect the case below on its behalf, lawfully, within the mandate period.",
    letter_case: "Case",
    letter_debtor: "Debtor",
    letter_period: "Mandate",
    letter_scan: "Scan the QR code to check at any time whether the agency is still authorized",
    letter_issued: "Issued",
    letter_code: "Check code",
    print: "Print / save as PDF",
    back: "Back",
    letter_failed: "Could not issue the letter",
    portfolio_status: "Cases by status",
    portfolio_outstanding: "Outstanding with each agency (yuan)",
    portfolio_recovery: "Recovery by agency (%)",
    portfolio_aging: "Aging (cases by days overdue)",
    total_cases: "Cases",
    total_outstanding: "Outstanding",
    days: "days",
    loading: "Loading…",
    error: "Something went wrong",
    not_found_or_not_yours: "No such case, or it is not your institution's.",
    not_csv: "This is not a CSV case list. Upload a .csv text file.",
    court_help: "Courts verify disposal evidence files against their receipts and record the verification on chain.",
    yuan: "yuan",
    status_NotOnChain: "Not assigned",
    status_Registered: "Registered",
    status_Assigned: "Assigned",
    status_Accepted: "Accepted",
    status_Returned: "Returned",
    status_Recalled: "Recalled",
    status_Settled: "Settled",
    status_Closed: "Closed",
    status_Expired: "Expired",
    status_None: "None",
    pub_title: "Authorization check",
    pub_help: "This page tells you whether the institution that showed you this letter is still authorized by the creditor for your case.",
    pub_agency: "Agency",
    pub_creditor: "Creditor",
    pub_debtor: "Debtor",
    pub_case: "Loan ref",
    pub_until: "Authorized until",
    pub_not_found: "This check code is not valid: it may be mistyped or tampered with. Give the caller no personal information, and check with the creditor.",
    pub_rate: "Too many checks; please try again in a minute.",
    pub_footer: "From the mandate records on the consortium chain; this page shows masked data only.",
    duplicate_row: "identical to an earlier row of this file; ignored",
    record_evidence: "Record as evidence",
    evidence_kind: "Kind",
    evidence_help: "The file is hashed by your gateway into your institution's evidence log, anchored on chain regularly; once anchored, download the receipt: a court verifies the file with it.",
    evidence_recorded: "Recorded as evidence",
    receipt_pending: "Waiting for the anchor on chain to issue the receipt…",
    receipt_still_pending: "Not anchored yet; download the receipt later from the case page.",
    download_receipt: "Download the receipt",
    no_held_cases: "Your agency holds no case right now.",
    size: "Bytes",
    anchored: "Anchored",
    verify_in_console: "Verify a file and its receipt",
    receipt_file: "Receipt (.receipt.json)",
    evidence_file: "Evidence file",
    verify: "Verify",
    receipt_not_json: "The receipt is not a valid JSON file; choose the .receipt.json receipt.",
    record_verification: "Record the verification on chain",
    verification_recorded: "Verification recorded on chain",
    verdict_valid: "Valid: the file matches its receipt, anchored on chain",
    verdict_invalid: "Invalid",
    verdict_incomplete: "Incomplete: something could not be checked",
    verdict_pending: "Not anchored yet",
    hash_local: "The file is hashed in your browser and never uploaded.",
    ended_hint: "If they still contact you about this case, check with the creditor or complain.",
  },
};

let lang = localStorage.getItem("caseledger.lang") === "en" ? "en" : "zh";

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === "en" ? "en" : "zh";
  localStorage.setItem("caseledger.lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function t(key, vars = {}) {
  const text = DICT[lang][key] ?? DICT.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** The gateway's message catalog (section → code → { zh, en }): the same words the API and the CLI use. */
const MESSAGES = await fetch("/console/messages.json")
  .then((res) => (res.ok ? res.json() : {}))
  .catch(() => ({}));

/** The codes of one catalog section, in catalog order (e.g. the field error codes of a case-list report). */
export function codes(section) {
  return Object.keys(MESSAGES[section] ?? {});
}

/** A coded message in the page's language from the catalog; the gateway's own words when the code is not in it. */
export function say(section, code, fallback, vars = {}) {
  const entry = MESSAGES[section]?.[code];
  if (!entry) return pick(fallback);
  return entry[lang].replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/**
 * An error's message in the page's language: from the catalog when the gateway named it (`messageId`, `params`),
 * otherwise its own words (an error of the browser itself, or a gateway older than the catalog).
 */
export function explain(error) {
  const id = typeof error?.messageId === "string" ? error.messageId : "";
  const dot = id.indexOf(".");
  if (dot > 0) return say(id.slice(0, dot), id.slice(dot + 1), error.message, error.params ?? {});
  return pick(error?.message ?? String(error));
}

/** The gateway's messages are "中文 / English": show the half in the page's language when there is exactly one split. */
export function pick(message) {
  if (typeof message !== "string") return "";
  const parts = message.split(" / ");
  if (parts.length !== 2) return message;
  return lang === "zh" ? parts[0] : parts[1];
}

export function statusLabel(status) {
  return t(`status_${status}`);
}

const dateFormat = () => new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
const dayFormat = () => new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "long" });

/** Seconds or ISO string → local date and time. */
export function when(value) {
  if (value === null || value === undefined || value === 0) return "—";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? "—" : dateFormat().format(date);
}

export function day(value) {
  if (value === null || value === undefined || value === 0) return "—";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? "—" : dayFormat().format(date);
}

/** Fen (decimal string) → "12,345.67". */
export function money(fen) {
  if (fen === null || fen === undefined) return "—";
  const n = BigInt(fen);
  const sign = n < 0n ? "-" : "";
  const abs = n < 0n ? -n : n;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${yuan}.${(abs % 100n).toString().padStart(2, "0")}`;
}

export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}
