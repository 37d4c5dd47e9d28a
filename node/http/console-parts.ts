import express, { Router } from "express";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import type { GatewayConfig } from "../config.js";
import { ROLE } from "../domain/consortium/index.js";
import { AuthorizationLetters } from "../services/authorization-letters.js";
import { directoryFileOf, MemberDirectory } from "../services/member-directory.js";
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
  clock?: () => number;
}

/**
 * What the web console needs from a gateway, wired in one place so that the composition root only spreads it:
 * the pages, the public authorization check behind the QR code, the login probe, the directory, and the
 * console's read endpoints (me, members, portfolio, case summaries, authorization letters).
 */
export function consoleParts(deps: ConsolePartsDeps): {
  publicRoutes: Record<string, Router>;
  staffRoutes: Record<string, Router>;
  directory: MemberDirectory;
  letters: AuthorizationLetters;
} {
  const { config, store, cipher, indexer, contracts } = deps;
  const directory = new MemberDirectory({ file: directoryFileOf(config.chain.deploymentFile), contracts });
  const nameOf = (id: number) => (id === config.memberId ? Promise.resolve(config.memberName) : directory.nameOf(id));
  let active: { value: boolean; at: number } | undefined;
  const isActiveAgency = async () => {
    if (!active || Date.now() - active.at > 10_000) {
      try {
        active = { value: await contracts.memberRegistry.isActive(config.memberId, ROLE.AGENCY), at: Date.now() };
      } catch {
        active ??= { value: false, at: 0 };
      }
    }
    return active.value;
  };
  const letters = new AuthorizationLetters({
    store,
    cipher,
    indexer,
    memberId: config.memberId,
    memberName: config.memberName,
    nameOf,
    isActiveAgency,
    now: deps.clock,
  });
  const session = { store, directory, memberId: config.memberId, memberName: config.memberName };
  // Public endpoints, per client address (config.rateLimits; by default 30 at once, then 30 a minute); at most
  // 10,000 addresses kept. The QR-code page and its check share a bucket; the console's login probe has its own.
  const limits = config.rateLimits;
  const publicLimiter = new RateLimiter({ burst: limits.publicBurst, perSecond: limits.publicPerMinute / 60, maxClients: 10_000 });
  const probeLimiter = new RateLimiter({ burst: limits.publicBurst, perSecond: limits.publicPerMinute / 60, maxClients: 10_000 });
  const probeBody = Router();
  probeBody.use(express.text({ type: "text/plain", limit: "1kb" }));
  probeBody.use(consolePublicRouter(session, probeLimiter));
  const { me, members } = sessionRouter(session);
  const portfolio = { store, cipher, indexer, memberId: config.memberId, nameOf, now: deps.clock };
  return {
    publicRoutes: {
      "/": consoleRouter(publicLimiter),
      "/v1/openapi.json": openApiRouter(),
      "/v1/public": publicAuthorizationsRouter(letters, publicLimiter),
      "/v1/console": probeBody,
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
