import { expect } from "chai";
import { Wallet } from "ethers";
import { ACK_FORMAT, ackProblem, signAck } from "../../../node/services/handover-ack.js";
import { encryptionPublicKey, newEncryptionSecret, openHandover, precheckEnvelope, sealHandover } from "../../../node/services/handover-envelope.js";
import { HANDOVER_FORMAT, newNonce, signHandover } from "../../../node/domain/handover.js";

/** The caseledger-handover/2 envelope and the signed acknowledgement, on their own (design.md §15). */
describe("node/services/handover-envelope and handover-ack", () => {
  const lender = Wallet.createRandom();
  const agency = Wallet.createRandom();
  const secret = newEncryptionSecret();
  const registry = `0x${"12".repeat(20)}`;
  const inner = () =>
    signHandover(
      {
        format: HANDOVER_FORMAT,
        chainId: 31337,
        caseRegistry: registry,
        creditorId: 1,
        agencyId: 2,
        assignment: { txHash: "0x", until: 0 },
        createdAt: new Date().toISOString(),
        nonce: newNonce(),
        cases: [{ caseKey: `0x${"ab".repeat(32)}`, debtorKey: `0x${"cd".repeat(32)}`, loanRef: "E-1", name: "封装测试", idNumber: "11010119800101001X", phone: "13900000000", principalFen: "1", outstandingFen: "1", overdueDays: 1, region: "", product: "", extra: {} }],
      },
      lender,
    );

  it("opens only with the agency's secret key, each package under a new ephemeral key, and binds the clear header", async () => {
    const signed = await inner();
    const a = await sealHandover(signed, encryptionPublicKey(secret), lender);
    const b = await sealHandover(signed, encryptionPublicKey(secret), lender);
    expect(a.sealed.epk).not.to.equal(b.sealed.epk);
    expect(JSON.stringify(a)).not.to.include("封装测试");
    expect(precheckEnvelope(a, { agencyId: 2, chainId: 31337, caseRegistry: registry, now: Date.now() })).to.equal(undefined);
    expect(precheckEnvelope(a, { agencyId: 3, chainId: 31337, caseRegistry: registry, now: Date.now() })).to.equal("WRONG_AGENCY");
    expect(openHandover(a, secret)).to.deep.equal({ inner: signed });
    expect(openHandover(a, newEncryptionSecret())).to.deep.equal({ problem: "UNDECRYPTABLE" });
    // The header is the associated data: any change to it and the cipher refuses.
    expect(openHandover({ ...a, header: { ...a.header, creditorId: 9 } }, secret)).to.deep.equal({ problem: "UNDECRYPTABLE" });
  });

  it("accepts an acknowledgement only of the package, from the agency's key, with counts that add up", async () => {
    const ack = await signAck({ format: ACK_FORMAT, packageHash: `0x${"01".repeat(32)}`, agencyId: 2, creditorId: 1, accepted: 1, rejected: ["0xk"], receivedAt: new Date().toISOString() }, agency);
    const expectation = { packageHash: `0x${"01".repeat(32)}`, agencyId: 2, creditorId: 1, cases: 2, signer: agency.address };
    expect(ackProblem(ack, expectation)).to.equal(undefined);
    expect(ackProblem(ack, { ...expectation, signer: lender.address })).to.match(/not signed by the agency/);
    expect(ackProblem(ack, { ...expectation, packageHash: `0x${"02".repeat(32)}` })).to.match(/another package/);
    expect(ackProblem(ack, { ...expectation, cases: 3 })).to.match(/case count/);
    expect(ackProblem({ ...ack, ack: { ...ack.ack, accepted: 0, rejected: ["0xk", "0xj"] } }, expectation)).to.match(/hash mismatch/);
    expect(ackProblem({ accepted: 2, rejected: [] }, expectation)).to.match(/no signed acknowledgement/);
  });
});
