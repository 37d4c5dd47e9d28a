/** MemberRegistry: the member status machine walked as a table. Synthetic data only. */
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { deployConsortium, loadFixture, key, Role, MemberStatus } from "../fixtures.js";
import { view, type World, STATUS_NAME, E, type StoredMember, memberOf } from "./fixtures.js";

describe("MemberRegistry", () => {
  // -------------------------------------------------------------------------------------------------------
  // The status machine, walked exhaustively: start status × action → ok (with event and resulting status)
  // or the exact error. The subject is the lender (id 1); `rotateSigner` rotates to spare1.
  // -------------------------------------------------------------------------------------------------------
  describe("status machine (table)", () => {
    type Outcome =
      | { ok: true; status: bigint }
      | { ok: false; error: string; args: (id: number) => unknown[] };
    type Start = "Active" | "Suspended" | "Removed" | "Removed (after a suspension)" | "None (never admitted)";
    type ActionName =
      | "suspend"
      | "reinstate"
      | "remove"
      | "setRoles"
      | "proposeSignerRotation by operator"
      | "rotateSigner by member"
      | "proposeMetadataUpdate by operator"
      | "updateMetadata by member";

    const ok = (status: bigint): Outcome => ({ ok: true, status });
    const invalid = (status: bigint): Outcome => ({ ok: false, error: "InvalidStatusChange", args: (id) => [id, status] });
    const unknown: Outcome = { ok: false, error: "UnknownMember", args: (id) => [id] };
    const notActive = (status: bigint): Outcome => ({ ok: false, error: "MemberNotActive", args: (id) => [id, status] });
    const { Active, Suspended, Removed } = MemberStatus;

    const starts: Record<Start, { id: (w: World) => number; prepare: (w: World, id: number) => Promise<unknown> }> = {
      Active: { id: (w) => w.ids.lender, prepare: async () => undefined },
      Suspended: { id: (w) => w.ids.lender, prepare: (w, id) => w.members.suspend(id) },
      Removed: { id: (w) => w.ids.lender, prepare: (w, id) => w.members.remove(id) },
      "Removed (after a suspension)": {
        id: (w) => w.ids.lender,
        prepare: async (w, id) => {
          await w.members.suspend(id);
          await w.members.remove(id);
        },
      },
      "None (never admitted)": { id: () => 99, prepare: async () => undefined },
    };

    const NEW_ROLES = Role.LENDER | Role.COURT;
    const NEW_META = key("table-meta");
    const actions: Record<
      ActionName,
      {
        run: (w: World, id: number) => Promise<ContractTransactionResponse>;
        event: (w: World, id: number) => [string, unknown[]];
        changed: (w: World) => Partial<StoredMember>;
      }
    > = {
      suspend: {
        run: (w, id) => w.members.suspend(id),
        event: (_w, id) => ["MemberSuspended", [id]],
        changed: () => ({}),
      },
      reinstate: {
        run: (w, id) => w.members.reinstate(id),
        event: (_w, id) => ["MemberReinstated", [id]],
        changed: () => ({}),
      },
      remove: {
        run: (w, id) => w.members.remove(id),
        event: (_w, id) => ["MemberRemoved", [id]],
        changed: () => ({}),
      },
      setRoles: {
        run: (w, id) => w.members.setRoles(id, NEW_ROLES),
        event: (_w, id) => ["MemberRolesChanged", [id, Role.LENDER, NEW_ROLES]],
        changed: () => ({ roles: NEW_ROLES }),
      },
      // The operator only proposes (operator-proposals.test.ts): nothing changes until the delay has passed.
      "proposeSignerRotation by operator": {
        run: (w, id) => w.members.connect(w.operator).proposeSignerRotation(id, w.spare1.address),
        event: (w, id) => ["MemberSignerRotationProposed", [id, w.spare1.address, (at: bigint) => at > 0n]],
        changed: () => ({}),
      },
      "rotateSigner by member": {
        run: (w, id) => w.members.connect(w.lender).rotateSigner(id, w.spare1.address),
        event: (w, id) => ["MemberSignerRotated", [id, w.lender.address, w.spare1.address]],
        changed: (w) => ({ signer: w.spare1.address }),
      },
      "proposeMetadataUpdate by operator": {
        run: (w, id) => w.members.connect(w.operator).proposeMetadataUpdate(id, NEW_META),
        event: (_w, id) => ["MemberMetadataUpdateProposed", [id, NEW_META, (at: bigint) => at > 0n]],
        changed: () => ({}),
      },
      "updateMetadata by member": {
        run: (w, id) => w.members.connect(w.lender).updateMetadata(id, NEW_META),
        event: (w, id) => ["MemberMetadataUpdated", [id, w.meta("lender"), NEW_META]],
        changed: () => ({ metadataHash: NEW_META }),
      },
    };

    const removedRow: Record<ActionName, Outcome> = {
      suspend: invalid(Removed),
      reinstate: invalid(Removed),
      remove: invalid(Removed),
      setRoles: invalid(Removed),
      "proposeSignerRotation by operator": invalid(Removed),
      "rotateSigner by member": notActive(Removed),
      "proposeMetadataUpdate by operator": invalid(Removed),
      "updateMetadata by member": notActive(Removed),
    };

    const TABLE: Record<Start, Record<ActionName, Outcome>> = {
      Active: {
        suspend: ok(Suspended),
        reinstate: invalid(Active),
        remove: ok(Removed),
        setRoles: ok(Active),
        "proposeSignerRotation by operator": ok(Active),
        "rotateSigner by member": ok(Active),
        "proposeMetadataUpdate by operator": ok(Active),
        "updateMetadata by member": ok(Active),
      },
      Suspended: {
        suspend: invalid(Suspended),
        reinstate: ok(Active),
        remove: ok(Removed),
        setRoles: ok(Suspended),
        "proposeSignerRotation by operator": ok(Suspended),
        "rotateSigner by member": notActive(Suspended),
        "proposeMetadataUpdate by operator": ok(Suspended),
        "updateMetadata by member": notActive(Suspended),
      },
      Removed: removedRow,
      "Removed (after a suspension)": removedRow,
      "None (never admitted)": {
        suspend: unknown,
        reinstate: unknown,
        remove: unknown,
        setRoles: unknown,
        "proposeSignerRotation by operator": unknown,
        "rotateSigner by member": unknown,
        "proposeMetadataUpdate by operator": unknown,
        "updateMetadata by member": unknown,
      },
    };

    for (const [start, row] of Object.entries(TABLE) as Array<[Start, Record<ActionName, Outcome>]>) {
      describe(`from ${start}`, () => {
        for (const [action, outcome] of Object.entries(row) as Array<[ActionName, Outcome]>) {
          const expected = outcome.ok
            ? `ok → ${STATUS_NAME[String(outcome.status)]}`
            : `${outcome.error}(${outcome.args(0).length > 1 ? "id, " + STATUS_NAME[String(outcome.args(0)[1])] : "id"})`;
          it(`${action} → ${expected}`, async () => {
            const w = view(await loadFixture(deployConsortium));
            const id = starts[start].id(w);
            await starts[start].prepare(w, id);
            const known = start !== "None (never admitted)";
            const before = known ? await memberOf(w, id) : undefined;
            const act = actions[action];
            if (outcome.ok) {
              const [eventName, args] = act.event(w, id);
              await expect(act.run(w, id))
                .to.emit(w.members, eventName)
                .withArgs(...args);
              expect(await memberOf(w, id)).to.deep.equal({ ...before, ...act.changed(w), status: outcome.status });
            } else {
              await expect(act.run(w, id))
                .to.be.revertedWithCustomError(w.members, E(outcome.error))
                .withArgs(...outcome.args(id));
              if (known) {
                expect(await memberOf(w, id)).to.deep.equal(before);
              } else {
                await expect(w.members.memberOf(id))
                  .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
                  .withArgs(id);
              }
            }
            expect(await w.members.memberCount()).to.equal(6n);
          });
        }
      });
    }
  });
});
