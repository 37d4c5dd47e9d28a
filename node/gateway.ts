import { VERSION } from "./version.js";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { ConfigError, type GatewayConfig } from "./config.js";
import { bilingual, msg } from "./messages/message.js";
import { CaseIndexer } from "./chain/case-indexer.js";
import { CaseSubmitter } from "./chain/case-submitter.js";
import { SendLock } from "./chain/send-lock.js";
import { connectContracts, type ConsortiumContracts } from "./chain/contracts.js";
import { type Deployment, readDeployment } from "./chain/deployment.js";
import { ChainError } from "./chain/errors.js";
import { needsPepper, ROLE } from "./domain/consortium/index.js";
import { parsePepperFile, type Pepper } from "./domain/pseudonyms.js";
import { createApp } from "./http/app.js";
import { consoleParts } from "./http/console-parts.js";
import { scorecardsRouter } from "./http/scorecards-router.js";
import { ScorecardService } from "./services/scorecards.js";
import { ledgerRepayments } from "./services/scorecard-repayments.js";
import { agenciesRouter, profileRouter } from "./http/agencies-router.js";
import { allocationsRouter } from "./http/allocations-router.js";
import { casesRouter } from "./http/cases-router.js";
import type { Clock } from "./domain/clock.js";
import { CaseService } from "./services/cases.js";
import { AgencyService } from "./services/agencies.js";
import { CaseListService } from "./services/case-lists.js";
import { cleanSpoolDir, workbookSpoolDir } from "./services/workbook/spool.js";
import { cachedActiveAgency } from "./services/active-agency.js";
import { StaffTokenAdmin } from "./services/staff-token-admin.js";
import { handoverRouter } from "./http/handover-router.js";
import { handoversRouter } from "./http/handovers-router.js";
import { ownershipAuditor } from "./http/ownership-audit.js";
import { ownershipFastPath } from "./http/ownership-fast-path.js";
import { ownershipRouter } from "./http/ownership-router.js";
import { createJsonLog } from "./log/json-log.js";
import { AllocationService } from "./services/allocation.js";
import { HandoverReceiver, HandoverSender } from "./services/handover.js";
import { OwnershipService } from "./services/ownership.js";
import { caseListsRouter } from "./http/case-lists-router.js";
import type { Logger } from "./http/error-handler.js";
import { healthRouter } from "./http/health-router.js";
import { HealthService, type HealthStatus } from "./services/health.js";
import { recoverCaseLists } from "./services/case-list-ingest.js";
import { StaffTokens } from "./services/staff-tokens.js";
import { type GatewayDatabase, openDatabase } from "./store/database.js";
import { PiiCipher } from "./store/pii-cipher.js";
import { parseHexKey, readSecretFile } from "./store/secret-file.js";
import type { AnchorSettings } from "./chain/evidence-anchor-settings.js";
import { EvidenceAnchorer } from "./chain/evidence-anchorer.js";
import { httpJsonRpc } from "./chain/evidence-chain-reader.js";
import { CaseBundleService } from "./services/case-bundle.js";
import { bundlesRouter } from "./http/bundles-router.js";
import { evidenceRouter } from "./http/evidence-router.js";
import { verifierPageRouter } from "./http/verifier-page-router.js";
import { verifyRouter } from "./http/verify-router.js";
import { answerClientErrors } from "./http/client-error.js";
import { EvidenceService } from "./services/evidence.js";
import { EvidenceNotices } from "./services/evidence-notices.js";
import { EvidenceNoticeMarks } from "./store/evidence-notice-marks.js";
import { EvidenceVerifier } from "./services/evidence-verify.js";
import { BlobStore } from "./store/blob-store.js";
import { AnchorStore } from "./store/evidence-log/anchor-store.js";
import { EvidenceLog } from "./store/evidence-log/evidence-log.js";
import { AuditLog } from "./store/audit-log.js";
import { MemberStatus } from "./services/member-status.js";
import { PendingChangeWatch } from "./services/pending-change.js";
import { memberRouter } from "./http/member-router.js";
import { auditRouter } from "./http/audit-router.js";
import { staffTokensRouter } from "./http/staff-tokens-router.js";
import { RateLimiter } from "./http/rate-limit.js";
import { complaintsRouter, publicComplaintsRouter } from "./http/complaints-router.js";
import { conductRouter } from "./http/conduct-router.js";
import { CURRENT_LEXICON } from "./domain/conduct/lexicon.js";
import { Screener } from "./domain/conduct/screen.js";
import { COMPLAINT_FILE_KIND, COMPLAINT_NOTICE_KIND, ComplaintService } from "./services/conduct/complaints.js";
import { conductGuards } from "./services/conduct/conduct-guards.js";
import type { ConductGuards } from "./services/conduct/guards.js";
import type { ConductStats } from "./services/conduct/stats.js";
import { CONDUCT_STATS_KIND, LENDER_FIGURES_KIND, SupervisionService } from "./services/conduct/supervision.js";
import { agencyFiguresRouter, supervisionRouter } from "./http/supervision-router.js";
import { TextScreening } from "./services/conduct/screening.js";
import { IngestQueue } from "./services/ingest-queue.js";
import { GatewayMetrics } from "./http/metrics.js";
import { metricsRouter } from "./http/metrics-router.js";
import { peerRouter } from "./http/peer-router.js";
import { PeerChannel } from "./services/peer/channel.js";
import { PeerOutbox } from "./services/peer/outbox.js";
import { feeSchedulesRouter } from "./http/fee-schedules-router.js";
import { mediationsRouter } from "./http/mediations-router.js";
import { MediationService } from "./services/mediation/mediations.js";
import { FilingService } from "./services/mediation/filing.js";
import { activeSigner } from "./services/peer/member-signer.js";
import { statementsRouter } from "./http/statements-router.js";
import { FeeScheduleService } from "./services/fees/fee-schedules.js";
import { chainAssignments, ledgerEntries, type StatementAssignmentSource, type StatementEntrySource } from "./services/fees/statement-sources.js";
import { StatementService } from "./services/fees/statements.js";
import { repaymentsRouter } from "./http/repayments-router.js";
import { RepaymentLedger } from "./services/repayments/ledger.js";
import { DECISION_KIND, REPORT_KIND } from "./services/repayments/messages.js";
import { RepaymentReporter } from "./services/repayments/reports.js";
import { RepaymentReconciler } from "./services/repayments/reconcile.js";
import { contactsRouter } from "./http/contacts-router.js";
import { ContactService, TALLY_KIND } from "./services/conduct/contacts.js";
import { permitSigner } from "./services/conduct/permit-signer.js";
import { ChainConductPolicy } from "./chain/conduct-policy.js";
import type { PeerOutboxItem } from "./store/peer-outbox.js";

/** Request line and headers together: beyond this Node answers 431 (its default, stated here on purpose). */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface Gateway {
  config: GatewayConfig;
  url: string;
  store: GatewayDatabase;
  tokens: StaffTokens;
  provider: JsonRpcProvider;
  wallet: Wallet;
  contracts: ConsortiumContracts;
  indexer: CaseIndexer;
  submitter: CaseSubmitter;
  allocations: AllocationService;
  ownership: OwnershipService;
  handovers: HandoverSender;
  /** Undefined at a court's gateway, which runs without the pepper. */
  pepper: Pepper | undefined;
  cipher: PiiCipher;
  evidence: EvidenceService;
  evidenceLog: EvidenceLog;
  anchorer: EvidenceAnchorer;
  notices: EvidenceNotices;
  verifier: EvidenceVerifier;
  audit: AuditLog;
  memberStatus: MemberStatus;
  /** This gateway's Prometheus registry (GET /metrics). */
  metrics: GatewayMetrics;
  /** The operator's proposal pending against this member, watched on chain; cancelled by an admin. */
  pendingChange: PendingChangeWatch;
  /** caseledger-peer/1: signed messages to and from other members' gateways; the outbox for those that must arrive. */
  peer: PeerChannel;
  peerOutbox: PeerOutbox;
  /** Fee schedules and monthly statements between lenders and agencies (docs/design.md §23). */
  feeSchedules: FeeScheduleService;
  /** Mediation agreements (docs/design.md §28), as creditor or as mediator. */
  mediations: MediationService;
  statements: StatementService;
  /** Repayments: the ledger of this member's cases as creditor (the read API of statements and scorecards), and its reports as agency. */
  repayments: RepaymentLedger;
  repaymentReports: RepaymentReporter;
  /** Conduct (docs/design.md §26): text screening, complaints, and the guards the contact permits ask. */
  screening: TextScreening;
  complaints: ComplaintService;
  conductGuards: ConductGuards;
  supervision: SupervisionService;
  /** Contacts with debtors (docs/design.md §25): permits, the contact log, the conduct figures. */
  contacts: ContactService;
  health(): Promise<HealthStatus>;
  /** The express app (tests list its routes against the OpenAPI document). */
  app: Express;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Milliseconds since the epoch; mandates are judged against it (tests move it to see expiry). */
  clock?: () => number;
  /** When the evidence log is anchored: overrides config.evidence (itself DEFAULTS.evidence, the file, the environment). */
  evidence?: Partial<AnchorSettings>;
  /** Where statements read repayments (docs/design.md §23): the creditor's repayment ledger unless a test says otherwise. */
  statementEntries?: StatementEntrySource;
  /** Which of the creditor's cases were assigned to the agency when: the chain's assignment history unless a test says otherwise. */
  statementAssignments?: StatementAssignmentSource;
  /** Where a member's conduct figures come from when a supervisor asks (docs/design.md §26): the contact log unless a test says otherwise. */
  conductStats?: ConductStats;
}

/** JSON lines on stdout, batched. Callers never pass personal data; messages are about requests, jobs and blocks. */
export const jsonLog: Logger = createJsonLog();

/**
 * Loads the four secrets; each refused when missing, malformed or readable by other users. The pepper is optional here:
 * whether this member may run without it is decided against its roles on chain ({@link requirePepperUnlessCourt}).
 */
async function loadSecrets(config: GatewayConfig) {
  const signingKey = parseHexKey(await readSecretFile(config.secrets.signingKeyFile, "signing key"), "signing key");
  const pepperFile = config.secrets.pepperFile;
  const pepper = pepperFile === undefined ? undefined : parsePepperFile(await readSecretFile(pepperFile, "pepper"));
  const storeKey = parseHexKey(await readSecretFile(config.secrets.storeKeyFile, "store key"), "store key");
  const encryptionSecret = parseHexKey(await readSecretFile(config.secrets.encryptionKeyFile, "encryption key"), "encryption key").toString("hex");
  return { signingKey, pepper, storeKey, encryptionSecret };
}

/**
 * The pepper lets its holder compute debtor keys from ID numbers; a court never computes keys, so its gateway need
 * not hold it. Any other member needs it (ingest, ownership by loan reference or ID number), and so does a member
 * whose roles cannot be read: only a member the chain shows as a court alone runs without it.
 */
async function requirePepperUnlessCourt(config: GatewayConfig, deployment: Deployment, pepper: Pepper | undefined): Promise<void> {
  if (pepper) return;
  const provider = new JsonRpcProvider(config.chain.rpcUrl, Network.from(deployment.chainId), { staticNetwork: true });
  try {
    const { memberRegistry } = await connectContracts(deployment, provider);
    const roles = await Promise.race([
      memberRegistry.memberOf(config.memberId).then((m) => Number(m.roles), () => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), config.timeouts.quickRpcMs).unref()),
    ]);
    // Unknown roles (chain unreachable, member unknown) refuse too: a lender's gateway must not start keyless by luck.
    if (needsPepper(roles)) throw new ConfigError([bilingual(msg("startup.PEPPER_REQUIRED", { memberId: config.memberId }))]);
  } finally {
    provider.destroy();
  }
}

/** Starts one member's gateway: store, chain connection, HTTP. The composition root. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<Gateway> {
  const log = options.log ?? jsonLog;
  // The one place that reads the system clock; everything else is handed this.
  const clock: Clock = options.clock ?? Date.now;
  const { signingKey, pepper, storeKey, encryptionSecret } = await loadSecrets(config);
  const deployment = await readDeployment(config.chain.deploymentFile);
  if (!deployment) {
    throw new ChainError("DEPLOYMENT_MISSING", `no deployment record at ${config.chain.deploymentFile}; deploy first (npm run deploy)`);
  }
  await requirePepperUnlessCourt(config, deployment, pepper);
  const store = await openDatabase(config.dataDir);
  const recovered = await recoverCaseLists(store, clock);
  if (recovered.discarded.length || recovered.finished.length) log({ level: "warn", msg: "recovered case lists", ...recovered });

  const t = config.timeouts;
  // No stall before each request (ethers waits 10 ms by default to batch them): the chain workers make their calls one
  // after another, about seven per transaction, and the stalls were a third of a batch's time (bench:assign).
  const provider = new JsonRpcProvider(config.chain.rpcUrl, Network.from(deployment.chainId), {
    staticNetwork: true,
    pollingInterval: 500,
    batchStallTime: 0,
  });
  const wallet = new Wallet(`0x${signingKey.toString("hex")}`, provider);
  const cipher = new PiiCipher(storeKey);
  const tokens = new StaffTokens(store, config.memberId, clock);
  const audit = await AuditLog.open(store.audit, clock);
  const contracts = await connectContracts(deployment, provider);
  const memberStatus = new MemberStatus({ memberOf: (id) => contracts.memberRegistry.memberOf(id), memberId: config.memberId, refreshMs: config.timeouts.memberStatusRefreshMs });
  await memberStatus.start(config.timeouts.quickRpcMs);
  const caseRegistryAddress = deployment.contracts.CaseRegistry.address;

  // The indexer finds a gap first; the submitter and the anchorer then check what of theirs the chain lost.
  const chainGapListeners: Array<() => void> = [];
  const indexer = new CaseIndexer({
    rpc: provider,
    caseRegistry: contracts.caseRegistry,
    deployBlock: deployment.deployBlock,
    db: store.kv.chainIndex,
    pageBlocks: config.chain.logPageBlocks,
    rpcTimeoutMs: t.rpcMs,
    onGap: (gap) => {
      log({ level: "warn", msg: "chain gap: rebuilding the case index", ...gap });
      for (const listener of chainGapListeners) listener();
    },
    onError: (error) => log({ level: "warn", msg: "indexer", error: String((error as Error)?.message ?? error).slice(0, 300) }),
  });
  // One lock for the one signing key: the submitter, the anchorer and the court's verification all send with it.
  const sendLock = new SendLock();
  const chainTimeouts = { rpcTimeoutMs: t.rpcMs, receiptTimeoutMs: t.receiptMs, receiptPollMs: t.receiptPollMs };
  const submitter = new CaseSubmitter({
    sendLock,
    contracts,
    signer: wallet,
    memberId: config.memberId,
    db: store.kv.outbox,
    batchSize: config.chain.batchSize,
    gasPrice: config.chain.gasPrice,
    ...chainTimeouts,
    retry: { initialMs: t.retryInitialMs, maxMs: t.retryMaxMs },
    probeIntervalMs: t.submitterProbeMs,
    log: (line) => log({ level: "info", msg: "submitter", line }),
  });
  // Read your own writes: when one of this member's jobs is mined, its index catches up at once rather than at the next
  // poll, so that a lender's portfolio and the checks against its own index never show a case it just assigned as not
  // on chain (a poll on a busy machine can lag by seconds).
  const syncOnJobDone = () => void indexer.sync().catch((error: unknown) => log({ level: "warn", msg: "indexer", error: String((error as Error)?.message ?? error).slice(0, 300) }));
  submitter.on("jobDone", syncOnJobDone);
  const evidenceKv = store.kv.evidence;
  const evidenceLog = await EvidenceLog.open(evidenceKv, config.memberId, clock);
  const anchors = new AnchorStore(evidenceKv);
  const blobs = new BlobStore(config.dataDir);
  await blobs.cleanTemporary();
  // Workbook uploads a crash left spooled (ciphertext under a key that died with the process): removed.
  const spoolDir = workbookSpoolDir(config.dataDir);
  await cleanSpoolDir(spoolDir);
  const anchorer = new EvidenceAnchorer({
    sendLock,
    evidenceLog,
    anchors,
    registry: contracts.evidenceRegistry,
    wallet,
    memberId: config.memberId,
    chainId: deployment.chainId,
    deployBlock: deployment.deployBlock,
    settings: { ...config.evidence, ...options.evidence },
    pageBlocks: config.chain.logPageBlocks,
    gasPrice: config.chain.gasPrice,
    ...chainTimeouts,
    quickRpcTimeoutMs: t.quickRpcMs,
    probeIntervalMs: t.anchorerProbeMs,
    stopGraceMs: t.stopGraceMs,
    log,
  });
  chainGapListeners.push(() => submitter.noticeChainGap(), () => anchorer.noticeChainGap());
  const evidence = new EvidenceService({
    log: evidenceLog,
    anchors,
    blobs,
    indexer,
    memberId: config.memberId,
    clock,
    // Read afresh for every receipt and view: a cached answer could outlive a node restarted from an older state.
    chainCheckpointSize: (atLeast) => anchorer.chainCheckpointSize(0, atLeast),
    casesOf: (keys) => contracts.caseRegistry.casesOf(keys),
    holderCheckMs: t.holderCheckMs,
  });
  const verifier = new EvidenceVerifier({
    rpc: httpJsonRpc(config.chain.rpcUrl, t.verifyRpcMs),
    chainId: deployment.chainId,
    contracts,
    wallet,
    gasPrice: config.chain.gasPrice,
    sendLock,
    receiptTimeoutMs: t.verifyReceiptMs,
    receiptPollMs: t.receiptPollMs,
  });
  const notices = new EvidenceNotices({
    evidence,
    submitter,
    marks: new EvidenceNoticeMarks(evidenceKv),
    memberId: config.memberId,
    chainId: deployment.chainId,
    caseRegistry: caseRegistryAddress,
    log,
    clock,
  });
  const handovers = new HandoverSender({
    store,
    cipher,
    submitter,
    contracts,
    // The destination and key come from the chain-verified directory only (web is built below; called after start).
    peerOf: (agencyId) => web.directory.peer(agencyId),
    signer: wallet,
    memberId: config.memberId,
    chainId: deployment.chainId,
    caseRegistry: caseRegistryAddress,
    log,
    clock,
    retryMs: t.handoverRetryMs,
    requestTimeoutMs: t.handoverRequestMs,
    maxAttempts: config.handover.maxAttempts,
    allowHttpPeers: config.handover.allowHttpPeers,
    onDelivered: async (delivery) => {
      await notices.handover(delivery);
      // Personal data left this gateway: say so in the audit log (a failed write is logged, the delivery stands).
      await audit
        .append({ actor: { system: "handover" }, action: "handover.delivered", caseKeys: delivery.caseKeys, ref: { packageHash: delivery.packageHash, agencyId: delivery.agencyId, ackHash: delivery.ackHash } })
        .catch((error: unknown) => log({ level: "error", msg: "audit write failed", error: String((error as Error)?.message ?? error).slice(0, 200) }));
    },
  });
  // Agency scorecards (docs/design.md §24), with the repayments of the creditor's ledger.
  // Complaints per agency come from the complaint service built below (called only once requests arrive).
  const scorecards = new ScorecardService({ indexer, store, repayments: ledgerRepayments(store.repayments), memberId: config.memberId, clock, complaints: () => complaints.countsByAgency() });
  const allocations = new AllocationService({
    store,
    indexer,
    submitter,
    recovery90: () => scorecards.recovery90(),
    memberId: config.memberId,
    mandateDays: config.mandateDays,
    clock,
    deliveryOf: (jobId) => handovers.delivery(jobId),
    onAssignmentJob: (jobId, agencyId) => handovers.expect(jobId, agencyId),
  });
  const isActiveAgency = cachedActiveAgency({ ask: () => contracts.memberRegistry.isActive(config.memberId, ROLE.AGENCY), clock, maxAgeMs: t.memberStatusRefreshMs });
  const ownership = new OwnershipService({
    indexer,
    pepper,
    memberId: config.memberId,
    chainId: deployment.chainId,
    caseRegistry: caseRegistryAddress,
    isActiveAgency,
    chainReachable: () => indexer.chainReachable,
    clock,
  });
  const receiver = new HandoverReceiver({ store, cipher, contracts, memberId: config.memberId, chainId: deployment.chainId, audit, clock, encryptionSecret, signer: wallet });

  const peer = new PeerChannel({
    memberId: config.memberId,
    signer: wallet,
    memberOf: (id) => contracts.memberRegistry.memberOf(id),
    // The destination comes from the chain-verified directory only (web is built below; called after start).
    gatewayOf: (id) => web.directory.gatewayUrl(id),
    nonces: store.peerNonces,
    clock,
    maxSkewMs: config.peer.maxSkewMs,
    requestTimeoutMs: t.peerRequestMs,
    allowHttpPeers: config.handover.allowHttpPeers,
  });
  const peerOutbox = new PeerOutbox({ store: store.peerOutbox, channel: peer, clock, retryMs: t.peerRetryMs, maxAttempts: config.peer.maxAttempts, log });
  const repayments = new RepaymentLedger({
    ledger: store.repayments,
    cases: store.cases,
    casesOf: (keys) => contracts.caseRegistry.casesOf(keys),
    notarize: (drafts) => evidence.recordSystem(drafts),
    deliver: (to, kind, body) => peerOutbox.deliver(to, kind, body),
    memberId: config.memberId,
    clock,
    waiverLimitPercent: config.repayments.waiverLimitPercent,
  });
  const repaymentReports = new RepaymentReporter({
    reports: store.repaymentReports,
    evidence,
    casesOf: (keys) => contracts.caseRegistry.casesOf(keys),
    deliver: (to, kind, body, options) => peerOutbox.deliver(to, kind, body, options),
    memberId: config.memberId,
    clock,
  });
  peer.handle(REPORT_KIND, (from, body, request) => repayments.receiveReport(from, body, request));
  peer.handle(DECISION_KIND, (from, body, request) => repaymentReports.receiveDecisions(from, body, request.hash));
  peerOutbox.onAnswer(REPORT_KIND, (item, exchange) => repaymentReports.answered(item, exchange));
  peerOutbox.onDeadLetter(REPORT_KIND, (item) => repaymentReports.deadLettered(item.id));
  // The court's case file (docs/design.md §27): built by the creditor of record, records gathered over the peer channel.
  const caseBundles = new CaseBundleService({
    evidence,
    indexer,
    channel: peer,
    signer: wallet,
    memberId: config.memberId,
    chain: { chainId: deployment.chainId, caseRegistry: caseRegistryAddress.toLowerCase(), evidenceRegistry: deployment.contracts.EvidenceRegistry.address.toLowerCase() },
    rpc: httpJsonRpc(config.chain.rpcUrl, t.verifyRpcMs),
    recordOnChain: (caseKey, bundleHash, reportHash, verdict) => verifier.recordBundleVerification(caseKey, bundleHash, reportHash, verdict),
    clock,
    memberName: () => Promise.resolve(config.memberName),
    // The public verifier page of this gateway as the chain-verified directory lists it (web is built below).
    verifierUrl: async () => `${(await web.directory.gatewayUrl(config.memberId)) ?? ""}/verify`,
  });
  // Mediation agreements and the filing package (docs/design.md §28): co-signed with a MEDIATOR member over the peer channel.
  const mediations = new MediationService({
    store: store.mediations,
    channel: peer,
    evidence,
    caseOf: (caseKey) => indexer.caseOf(caseKey),
    activeAs: (id, role) => contracts.memberRegistry.isActive(id, role === "lender" ? ROLE.LENDER : ROLE.MEDIATOR),
    signerOf: (id) => activeSigner((member) => contracts.memberRegistry.memberOf(member), id),
    repayments,
    signer: wallet,
    memberId: config.memberId,
    clock,
  });
  const filings = new FilingService({
    mediations,
    bundles: caseBundles,
    cases: store.cases,
    cipher,
    repayments,
    // Names from the chain-verified directory (web is built below; called after start).
    memberName: (id) => (id === config.memberId ? Promise.resolve(config.memberName) : web.directory.nameOf(id)),
    memberId: config.memberId,
    clock,
  });
  const repaymentReconciler = new RepaymentReconciler({ loanRefs: store.loanRefs, ledger: store.repayments, memberId: config.memberId, clock });
  // Conduct (docs/design.md §26): text screening against the lexicon, notarized once per version before its first use; complaints from
  // the public page, carried to the creditor and noticed to the holder over the peer channel.
  const screening = new TextScreening({ screener: new Screener(CURRENT_LEXICON), marks: store.lexiconMarks, notarize: (drafts) => evidence.recordSystem(drafts), memberId: config.memberId, clock });
  const complaints = new ComplaintService({
    store: store.complaints,
    cipher,
    letterOf: (token) => web.letters.letterOf(token),
    caseOf: (caseKey) => indexer.caseOf(caseKey),
    send: (to, kind, body) => peer.send(to, kind, body),
    deliver: (to, kind, body, options) => peerOutbox.deliver(to, kind, body, options),
    memberId: config.memberId,
    clock,
  });
  peer.handle(COMPLAINT_FILE_KIND, (from, body, request) => complaints.receive(from, body, request.hash));
  peer.handle(COMPLAINT_NOTICE_KIND, (from, body, request) => complaints.receiveNotice(from, body, request.hash));
  const guards = conductGuards(complaints, screening);
  const complaintRoutes = complaintsRouter(complaints);

  // Contacts with debtors (docs/design.md §25): permits, the contact log, the tally shared with the debtor's other holders.
  const conductPolicy = new ChainConductPolicy({ contract: contracts.conductPolicy, clock, refreshMs: config.conduct.policyRefreshMs });
  const contacts = new ContactService({
    contacts: store.contacts,
    tally: store.conductTally,
    batch: () => store.batch(),
    caseOf: (caseKey) => indexer.caseOf(caseKey),
    holdersOf: async (debtorKey, nowSeconds) => (await indexer.activeHoldings(debtorKey, nowSeconds)).map((h) => h.agencyId),
    isActiveAgency,
    chainReachable: () => indexer.chainReachable,
    policyAt: (ms) => conductPolicy.policyAt(ms),
    lenderHours: (lenderId) => conductPolicy.lenderHours(lenderId),
    // Complaints and text screening (docs/design.md §26): an open complaint pauses permits, a text is screened.
    guards,
    evidence,
    signer: permitSigner(wallet.privateKey),
    deliver: (to, kind, body, options) => peerOutbox.deliver(to, kind, body, options),
    memberId: config.memberId,
    clock,
    permitTtlMs: config.conduct.permitTtlMs,
    stalenessMs: config.conduct.stalenessMs,
    flushMs: config.conduct.flushMs,
    log,
  });
  peer.handle(TALLY_KIND, (from, body, request) => contacts.receiveIncrement(from, body, request.hash));
  peerOutbox.onAnswer(TALLY_KIND, (item) => contacts.delivered(item));
  const pendingTally: PeerOutboxItem[] = [];
  for await (const item of store.peerOutbox.pending()) if (item.kind === TALLY_KIND) pendingTally.push(item);
  contacts.restorePending(pendingTally);
  // Increments a stop left queued go out now.
  void contacts.flush().catch((error: unknown) => log({ level: "warn", msg: "conduct tally flush", error: String((error as Error)?.message ?? error).slice(0, 300) }));
  const repaymentRoutes = repaymentsRouter({ ledger: repayments, reporter: repaymentReports, reconciler: repaymentReconciler });

  // Fee schedules and monthly statements, agreed with the other member over the peer channel (docs/design.md §23).
  const activeAs = (id: number, role: "lender" | "agency") => contracts.memberRegistry.isActive(id, role === "lender" ? ROLE.LENDER : ROLE.AGENCY);
  const feeSchedules = new FeeScheduleService({ store: store.feeSchedules, statements: store.statements, channel: peer, outbox: peerOutbox, evidence, activeAs, memberId: config.memberId, clock });
  const statements = new StatementService({
    store: store.statements,
    schedules: feeSchedules,
    entries: options.statementEntries ?? ledgerEntries(repayments),
    assignments: options.statementAssignments ?? chainAssignments(indexer, store.cases),
    channel: peer,
    outbox: peerOutbox,
    parts: store.statementParts,
    evidence,
    activeAs,
    nameOf: (id) => (id === config.memberId ? Promise.resolve(config.memberName) : web.directory.nameOf(id)),
    memberId: config.memberId,
    clock,
  });

  // Supervision: members answer a SUPERVISOR's signed request for their figures; a supervisor builds the monthly report.
  // The contact figures come from the permits' contact log (§25).
  const conductStats: ConductStats = options.conductStats ?? contacts;
  const supervision = new SupervisionService({
    isSupervisor: (member) => contracts.memberRegistry.isActive(member, ROLE.SUPERVISOR),
    isLender: (member) => contracts.memberRegistry.isActive(member, ROLE.LENDER),
    agencies: async () => (await store.agencies.list()).map((a) => a.agencyId),
    stats: conductStats,
    complaints,
    send: (to, kind, body) => peer.send(to, kind, body),
    members: async () => (await web.directory.list()).filter((m) => m.status === "Active").map((m) => m.id),
    notarize: (drafts) => evidence.recordSystem(drafts),
    reports: store.supervisionReports,
    signerOf: async (member) => {
      const m = await contracts.memberRegistry.memberOf(member);
      return m.signer;
    },
    memberId: config.memberId,
    clock,
  });
  peer.handle(CONDUCT_STATS_KIND, (from, body) => supervision.answer(from, body));
  peer.handle(LENDER_FIGURES_KIND, (from, body) => supervision.answerLender(from, body));

  const healthService = new HealthService({
    memberId: config.memberId,
    memberName: config.memberName,
    version: VERSION,
    chainId: deployment.chainId,
    // eth_blockNumber itself: ethers caches getBlockNumber(), and health must see the node as it is now.
    blockNumber: () => provider.send("eth_blockNumber", []).then((hex: string) => Number(hex)),
    store,
    clock,
    chainTimeoutMs: t.quickRpcMs,
    outbox: () => submitter.health(),
    index: () => indexer.status(),
    evidence: () => anchorer.status(),
  });
  const health = () => healthService.check();
  const ingestQueue = new IngestQueue(config.ingest);
  const metrics = new GatewayMetrics({
    ingest: () => ingestQueue,
    outbox: () => submitter.health(),
    anchoring: () => anchorer.status(),
    health,
    peerOutbox: () => peerOutbox.counts(),
  });
  const observe = metrics.observe.bind(metrics);

  const allocationRoutes = allocationsRouter(allocations);
  const caseRoutes = casesRouter(
    new CaseService({
      store,
      cipher,
      indexer,
      submitter,
      memberId: config.memberId,
      clock,
      settlementTerms: (caseKeys, content, mediaType) => evidence.recordSettlementTerms(caseKeys, content, mediaType),
    }),
  );
  const web = consoleParts({ config, store, cipher, indexer, contracts, clock, isActiveAgency });
  const agencies = new AgencyService({ store, memberId: config.memberId, clock });
  const limits = config.rateLimits;
  const authFailures = new RateLimiter({ burst: limits.authFailureBurst, perSecond: limits.authFailurePerMinute / 60, clock });
  const handoverLimiter = () => new RateLimiter({ burst: limits.handoverBurst, perSecond: limits.handoverPerMinute / 60, maxClients: 10_000, clock });
  const handoverRoutes = handoverRouter({ receiver, byAddress: handoverLimiter(), byCreditor: handoverLimiter(), peers: config.http.handoverPeers });
  const peerLimiter = () => new RateLimiter({ burst: limits.peerBurst, perSecond: limits.peerPerMinute / 60, maxClients: 10_000, clock });
  const complaintLimiter = () => new RateLimiter({ burst: limits.complaintBurst, perSecond: limits.complaintPerHour / 3600, maxClients: 10_000, clock });
  const peerRoutes = peerRouter({ channel: peer, byAddress: peerLimiter(), bySender: peerLimiter(), peers: config.http.handoverPeers });
  const ownershipAudit = ownershipAuditor(audit, log);
  const pendingChange = new PendingChangeWatch({
    contracts,
    memberId: config.memberId,
    wallet,
    sendLock,
    gasPrice: config.chain.gasPrice,
    log,
    refreshMs: t.memberStatusRefreshMs,
    receiptTimeoutMs: t.verifyReceiptMs,
    receiptPollMs: t.receiptPollMs,
  });
  const byIdNumberLimit = new RateLimiter({ burst: limits.ownershipByIdBurst, perSecond: limits.ownershipByIdPerMinute / 60, clock });
  const app = createApp({
    tokens,
    log,
    authFailures,
    trustProxy: config.http.trustProxy,
    memberStatus,
    audit,
    observe,
    publicRoutes: { "/metrics": metricsRouter(metrics, tokens, authFailures), "/v1/health": healthRouter(healthService), "/v1/handover": handoverRoutes, "/v1/peer": peerRoutes, "/verify": verifierPageRouter(), "/v1/public/complaints": publicComplaintsRouter(complaints, { byAddress: complaintLimiter(), byLetter: complaintLimiter() }), ...web.publicRoutes },
    staffRoutes: {
      "/case-lists": caseListsRouter(
        new CaseListService({
          ingest: { store, cipher, pepper, memberId: config.memberId, clock, workerHeapMb: config.ingest.workerHeapMb },
          store,
          uploadLimitBytes: config.http.uploadLimitBytes,
          spoolDir,
          queue: ingestQueue,
          onIngested: (summary) => metrics.ingested(summary),
        }),
      ),
      "/agencies": agenciesRouter(agencies),
      "/profile": profileRouter(agencies),
      "/case-lists/": allocationRoutes.lists,
      "/allocations": allocationRoutes.allocations,
      "/cases": caseRoutes.cases,
      "/jobs": caseRoutes.jobs,
      "/handovers": handoversRouter(handovers),
      "/ownership": ownershipRouter(ownership, { audit: ownershipAudit, byIdNumberLimit }),
      "/evidence": evidenceRouter({ evidence, verifier, anchoring: () => anchorer.status() }),
      "/verify": verifyRouter(verifier),
      "/bundles": bundlesRouter(caseBundles),
      "/staff-tokens": staffTokensRouter(new StaffTokenAdmin({ tokens, status: memberStatus })),
      "/audit": auditRouter(audit),
      "/member": memberRouter(pendingChange),
      "/scorecards": scorecardsRouter(scorecards),
      "/fee-schedules": feeSchedulesRouter(feeSchedules),
      "/mediations": mediationsRouter(mediations, filings),
      "/statements": statementsRouter(statements),
      "/repayments": repaymentRoutes.repayments,
      "/conduct": conductRouter(screening),
      "/complaints": complaintRoutes.complaints,
      "/complaint-notices": complaintRoutes.notices,
      "/supervision": supervisionRouter(supervision),
      "/agency-figures": agencyFiguresRouter(supervision),
      "/contacts": contactsRouter(contacts),
      // Its routes spell out /cases/:caseKey/…: "/cases" and "/cases/" are mounted by other routers already.
      "/": repaymentRoutes.cases,
      ...web.staffRoutes,
    },
  });
  const fastOwnership = ownershipFastPath({ tokens, service: ownership, log, authFailures, memberStatus, behindProxy: config.http.trustProxy.length > 0, audit: ownershipAudit, observe });
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => fastOwnership(req, res, () => app(req, res)));
    s.listen(config.http.port, config.http.host, () => resolve(s));
    s.once("error", reject);
  });
  answerClientErrors(server);
  // Uploads of hundreds of megabytes take a while; keep idle sockets bounded all the same.
  server.requestTimeout = t.httpRequestMs;
  server.headersTimeout = t.httpHeadersMs;
  indexer.start(t.indexerPollMs);
  submitter.start();
  handovers.start();
  anchorer.start();
  notices.start();
  pendingChange.start();
  peerOutbox.start();
  const address = server.address() as AddressInfo;
  const url = `http://${config.http.host}:${address.port}`;
  log({ level: "info", msg: "gateway started", memberId: config.memberId, url });

  return {
    config,
    url,
    store,
    tokens,
    provider,
    wallet,
    contracts,
    indexer,
    submitter,
    allocations,
    ownership,
    handovers,
    pepper,
    cipher,
    evidence,
    evidenceLog,
    anchorer,
    notices,
    verifier,
    audit,
    memberStatus,
    metrics,
    pendingChange,
    peer,
    peerOutbox,
    feeSchedules,
    mediations,
    statements,
    repayments,
    repaymentReports,
    screening,
    complaints,
    conductGuards: guards,
    supervision,
    contacts,
    health,
    app,
    async close() {
      memberStatus.stop();
      pendingChange.stop();
      handovers.stop();
      peerOutbox.stop();
      contacts.stop();
      notices.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await submitter.stop();
      submitter.off("jobDone", syncOnJobDone);
      await anchorer.stop();
      await notices.idle();
      await peerOutbox.idle();
      await indexer.stop();
      provider.destroy();
      await store.close();
    },
  };
}
