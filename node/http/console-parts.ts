import type { Router } from "express";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import type { GatewayConfig } from "../config.js";
import type { Clock } from "../domain/clock.js";
import { AuthorizationLetters } from "../services/authorization-letters.js";
import { directoryFileOf, MemberDirectory } from "../services/member-directory.js";
import { PortfolioService } from "../services/portfolio.js";
import { ledgerRepayments } from "../services/scorecard-repayments.js";
import { SessionService } from "../services/session.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import { authorizationLetterRouter, publicAuthorizationsRouter } from "./authorizations-router.js";
import { consoleRouter } from "./console-router.js";
import { openApiRouter } from "./openapi.js";
import { caseSummariesRouter, portfolioRouter } from "./portfolio-router.js";
import { RateLimiter } from "./rate-limit.js";
import { consolePublicRouter, sessionRouter } from "./session-router.js";

export interface ConsolePartsDeps {
  config: GatewayConfig;
  store: GatewayDatabase;
  cipher: PiiCipher;
  indexer: CaseIndexer;
  contracts: ConsortiumContracts;
  clock: Clock;
  /** Whether this member is an active agency on chain now (cached by the caller). */
  isActiveAgency: () => Promise<boolean>;
}

/**
 * What the web console needs from a gateway, wired in one place so that the composition root only spreads it:
 * the pages, the public authorization check behind the QR code, the directory, and the
 * console's read endpoints (me, members, portfolio, case summaries, authorization letters).
 */
export function consoleParts(deps: ConsolePartsDeps): {
  publicRoutes: Record<string, Router>;
  staffRoutes: Record<string, Router>;
  directory: MemberDirectory;
  letters: AuthorizationLetters;
} {
  const { config, store, cipher, indexer, contracts, clock } = deps;
  const memberId = config.memberId;
  const directory = new MemberDirectory({ file: directoryFileOf(config.chain.deploymentFile), contracts, clock });
  const nameOf = (id: number) => (id === memberId ? Promise.resolve(config.memberName) : directory.nameOf(id));
  const letters = new AuthorizationLetters({ store, cipher, indexer, memberId, memberName: config.memberName, nameOf, isActiveAgency: deps.isActiveAgency, clock });
  const session = new SessionService({ store, directory, memberId, memberName: config.memberName, clock });
  const portfolio = new PortfolioService({ store, cipher, indexer, repayments: ledgerRepayments(store.repayments), memberId, nameOf, clock });
  // Public endpoints, per client address (config.rateLimits; by default 30 at once, then 30 a minute); at most
  // 10,000 addresses kept. The QR-code page and its check share a bucket.
  const limits = config.rateLimits;
  const publicLimiter = new RateLimiter({ burst: limits.publicBurst, perSecond: limits.publicPerMinute / 60, maxClients: 10_000, clock });
  const { me, members } = sessionRouter(session);
  return {
    publicRoutes: {
      "/": consoleRouter(publicLimiter),
      "/v1/openapi.json": openApiRouter(),
      "/v1/public": publicAuthorizationsRouter(letters, publicLimiter),
      "/v1/console": consolePublicRouter(session),
    },
    staffRoutes: {
      "/me": me,
      "/members": members,
      "/portfolio": portfolioRouter(portfolio),
      "/case-summaries": caseSummariesRouter(portfolio),
      "/cases/": authorizationLetterRouter(letters),
    },
    directory,
    letters,
  };
}
