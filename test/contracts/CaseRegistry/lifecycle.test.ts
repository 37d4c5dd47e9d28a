/** CaseRegistry: the lifecycle as an exhaustive state × transition table. Synthetic keys only. */
import { expect } from "chai";
import { CaseStatus, type CaseStatusName, DAY, loadFixture, NO_TERMS, now } from "../fixtures.js";
import {
  type Tx,
  debtorOf,
  type State,
  stateOf,
  STATES,
  type LifecycleState,
  STORED,
  type CaseInState,
  STATE_FIXTURES,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("lifecycle table (every state × every transition)", () => {
    type Transition =
      | "register"
      | "assign"
      | "accept"
      | "return"
      | "recall"
      | "extend"
      | "settle"
      | "close"
      | "transferCreditor";
    const TRANSITIONS: readonly Transition[] = [
      "register",
      "assign",
      "accept",
      "return",
      "recall",
      "extend",
      "settle",
      "close",
      "transferCreditor",
    ];
    type Failure =
      | "UnknownCase"
      | "AlreadyRegistered"
      | "NotAgency"
      | "MandateActive"
      | "MandateExpired"
      | `InvalidTransition(${CaseStatusName})`;
    /** A CaseStatus name: the transition succeeds and the case has that status; otherwise the error. */
    type Outcome = CaseStatusName | Failure;

    /*
     * Actors: creditor functions are called by `lender` (the creditor), agency functions by `agency` (the
     * case's agency in every state that has one). assign targets agency2 until now + 10 days, extend goes to
     * now + 60 days (later than the 30-day mandate), transferCreditor goes to lender2.
     */
    const LIFECYCLE: Record<LifecycleState, Record<Transition, Outcome>> = {
      None: {
        register: "Registered",
        assign: "UnknownCase",
        accept: "UnknownCase",
        return: "UnknownCase",
        recall: "UnknownCase",
        extend: "UnknownCase",
        settle: "UnknownCase",
        close: "UnknownCase",
        transferCreditor: "UnknownCase",
      },
      Registered: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "NotAgency",
        return: "NotAgency",
        recall: "InvalidTransition(Registered)",
        extend: "InvalidTransition(Registered)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Assigned: {
        register: "AlreadyRegistered",
        assign: "MandateActive",
        accept: "Accepted",
        return: "Returned",
        recall: "Recalled",
        extend: "Assigned",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "MandateActive",
      },
      Accepted: {
        register: "AlreadyRegistered",
        assign: "MandateActive",
        accept: "InvalidTransition(Accepted)",
        return: "Returned",
        recall: "Recalled",
        extend: "Accepted",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "MandateActive",
      },
      Returned: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Returned)",
        return: "InvalidTransition(Returned)",
        recall: "InvalidTransition(Returned)",
        extend: "InvalidTransition(Returned)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Recalled: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Recalled)",
        return: "InvalidTransition(Recalled)",
        recall: "InvalidTransition(Recalled)",
        extend: "InvalidTransition(Recalled)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Settled: {
        register: "AlreadyRegistered",
        assign: "InvalidTransition(Settled)",
        accept: "InvalidTransition(Settled)",
        return: "InvalidTransition(Settled)",
        recall: "InvalidTransition(Settled)",
        extend: "InvalidTransition(Settled)",
        settle: "InvalidTransition(Settled)",
        close: "Closed",
        transferCreditor: "InvalidTransition(Settled)",
      },
      Closed: {
        register: "AlreadyRegistered",
        assign: "InvalidTransition(Closed)",
        accept: "InvalidTransition(Closed)",
        return: "InvalidTransition(Closed)",
        recall: "InvalidTransition(Closed)",
        extend: "InvalidTransition(Closed)",
        settle: "InvalidTransition(Closed)",
        close: "InvalidTransition(Closed)",
        transferCreditor: "InvalidTransition(Closed)",
      },
      AssignedExpired: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "MandateExpired",
        return: "MandateExpired",
        recall: "Recalled",
        extend: "MandateExpired",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      AcceptedExpired: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Accepted)",
        return: "MandateExpired",
        recall: "Recalled",
        extend: "MandateExpired",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
    };

    interface Sent {
      tx: Tx;
      /** The `until` the transition asked for (assign, extend). */
      newUntil: number;
    }
    interface TransitionSpec {
      send(c: CaseInState): Promise<Sent>;
      /** The event and its args on success. */
      event(c: CaseInState, before: State, sent: Sent): [string, unknown[]];
      /** caseOf after success; `at` is the block time of the transaction. */
      after(c: CaseInState, before: State, sent: Sent, at: number): State;
    }
    const settled = (before: State, status: CaseStatusName): State => ({ ...before, status, expired: false });
    const SPEC: Record<Transition, TransitionSpec> = {
      register: {
        send: async (c) => ({ tx: c.w.L.register([c.k], [debtorOf(c.k)]), newUntil: 0 }),
        event: (c) => ["CaseRegistered", [c.k, debtorOf(c.k), c.w.ids.lender]],
        after: () => ({ creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false }),
      },
      assign: {
        send: async (c) => {
          const newUntil = (await now()) + 10 * DAY;
          return { tx: c.w.L.assign(c.w.ids.agency2, newUntil, [c.k]), newUntil };
        },
        event: (c, _b, s) => ["CasesAssigned", [c.w.ids.lender, c.w.ids.agency2, s.newUntil, [c.k]]],
        after: (_c, _b, s, at) => ({
          creditorId: 1,
          agencyId: 4,
          assignedAt: at,
          until: s.newUntil,
          status: "Assigned",
          expired: false,
        }),
      },
      accept: {
        send: async (c) => ({ tx: c.w.A.accept([c.k]), newUntil: 0 }),
        event: (c) => ["CaseAccepted", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Accepted"),
      },
      return: {
        send: async (c) => ({ tx: c.w.A.returnCases([c.k]), newUntil: 0 }),
        event: (c) => ["CaseReturned", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Returned"),
      },
      recall: {
        send: async (c) => ({ tx: c.w.L.recall([c.k]), newUntil: 0 }),
        event: (c) => ["CaseRecalled", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Recalled"),
      },
      extend: {
        send: async (c) => {
          const newUntil = (await now()) + 60 * DAY;
          return { tx: c.w.L.extend([c.k], newUntil), newUntil };
        },
        event: (c, _b, s) => ["CaseMandateExtended", [c.k, c.w.ids.agency, c.until, s.newUntil]],
        after: (_c, before, s) => ({ ...before, until: s.newUntil, expired: false }),
      },
      settle: {
        send: async (c) => ({ tx: c.w.L.settle([c.k], [9_900n], NO_TERMS), newUntil: 0 }),
        event: (c) => ["CaseSettled", [c.k, c.w.ids.lender, 9_900n, NO_TERMS]],
        after: (_c, before) => settled(before, "Settled"),
      },
      close: {
        send: async (c) => ({ tx: c.w.L.close([c.k]), newUntil: 0 }),
        event: (c) => ["CaseClosed", [c.k, c.w.ids.lender]],
        after: (_c, before) => settled(before, "Closed"),
      },
      transferCreditor: {
        send: async (c) => ({ tx: c.w.L.transferCreditor([c.k], c.w.ids.lender2), newUntil: 0 }),
        event: (c) => ["CaseCreditorTransferred", [c.k, c.w.ids.lender, c.w.ids.lender2]],
        after: () => ({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false }),
      },
    };

    /** The custom error name and its exact args for a failing cell. */
    function failure(c: CaseInState, f: Failure): [string, unknown[]] {
      const invalid = /^InvalidTransition\((\w+)\)$/.exec(f);
      if (invalid) return ["CaseRegistryInvalidTransition", [0, c.k, CaseStatus[invalid[1] as CaseStatusName]]];
      switch (f) {
        case "UnknownCase":
        case "AlreadyRegistered":
          return [`CaseRegistry${f}`, [0, c.k]];
        case "NotAgency":
          return ["CaseRegistryNotAgency", [0, c.k, c.w.ids.agency]];
        case "MandateActive":
          return ["CaseRegistryMandateActive", [0, c.k, c.w.ids.agency, c.until]];
        case "MandateExpired":
          return ["CaseRegistryMandateExpired", [0, c.k, c.until]];
      }
      throw new Error(`unhandled ${f}`);
    }
    const isStatus = (o: Outcome): o is CaseStatusName => o in CaseStatus;

    describe("the helper brings a fresh case into each state", () => {
      for (const state of STATES) {
        it(state, async () => {
          const c = await loadFixture(STATE_FIXTURES[state]);
          const s = await stateOf(c.w, c.k);
          expect(s.status).to.equal(STORED[state].status);
          expect(s.expired).to.equal(STORED[state].expired);
          expect(s.agencyId).to.equal(STORED[state].agency ? c.w.ids.agency : 0);
          expect(s.until).to.equal(c.until);
          expect(s.creditorId).to.equal(state === "None" ? 0 : 1);
          expect(await c.w.cr.isAssignedTo(c.k, c.w.ids.agency)).to.equal(
            state === "Assigned" || state === "Accepted",
          );
        });
      }
    });

    for (const state of STATES) {
      describe(`from ${state}`, () => {
        for (const transition of TRANSITIONS) {
          const outcome = LIFECYCLE[state][transition];
          it(`${transition} → ${outcome}`, async () => {
            const c = await loadFixture(STATE_FIXTURES[state]);
            const before = await stateOf(c.w, c.k);
            const spec = SPEC[transition];
            const sent = await spec.send(c);
            if (isStatus(outcome)) {
              const [event, args] = spec.event(c, before, sent);
              await expect(sent.tx)
                .to.emit(c.w.cr, event)
                .withArgs(...args);
              const after = await stateOf(c.w, c.k);
              expect(after.status).to.equal(outcome);
              expect(after).to.deep.equal(spec.after(c, before, sent, await now()));
            } else {
              const [error, args] = failure(c, outcome);
              await expect(sent.tx)
                .to.be.revertedWithCustomError(c.w.cr, error)
                .withArgs(...args);
              expect(await stateOf(c.w, c.k)).to.deep.equal(before);
            }
          });
        }
      });
    }
  });
});
