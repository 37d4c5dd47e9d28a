import { expect } from "chai";
import { Wallet, verifyMessage } from "ethers";
import { checkHandover, HANDOVER_FORMAT, HANDOVER_MAX_CASES, type HandoverCase, type HandoverPackage, newNonce, signHandover } from "../../../node/domain/handover.js";

/** The receiver's clock in these tests: a package is judged against it, never against the machine's. */
const NOW = Date.UTC(2026, 5, 1, 12);

describe("node/domain/handover", () => {
  const wallet = Wallet.createRandom();
  const pkg = (over: Partial<HandoverPackage> = {}): HandoverPackage => ({
    format: HANDOVER_FORMAT,
    chainId: 31337,
    caseRegistry: "0x0000000000000000000000000000000000000abc",
    creditorId: 1,
    agencyId: 3,
    assignment: { txHash: `0x${"11".repeat(32)}`, until: 2_000_000_000 },
    createdAt: new Date(NOW).toISOString(),
    nonce: newNonce(),
    cases: [
      {
        caseKey: `0x01${"22".repeat(31)}`,
        debtorKey: `0x01${"33".repeat(31)}`,
        loanRef: "L-1",
        name: "测试甲",
        idNumber: "000000000000000000",
        phone: "",
        principalFen: "100",
        outstandingFen: "100",
        overdueDays: 1,
        region: "",
        product: "",
        extra: {},
      },
    ],
    ...over,
  });
  const expected = { agencyId: 3, chainId: 31337, caseRegistry: "0x0000000000000000000000000000000000000ABC", now: NOW };

  it("signs the package hash so that the signer's address is recoverable", async () => {
    const signed = await signHandover(pkg(), wallet);
    expect(checkHandover(signed, expected)).to.equal(undefined);
    expect(verifyMessage(Buffer.from(signed.packageHash.slice(2), "hex"), signed.signature)).to.equal(wallet.address);
  });

  it("finds tampering, the wrong addressee, another chain, old and future packages", async () => {
    const signed = await signHandover(pkg(), wallet);
    const tampered = structuredClone(signed);
    tampered.package.cases[0]!.outstandingFen = "1";
    expect(checkHandover(tampered, expected)).to.equal("HASH_MISMATCH");
    expect(checkHandover(await signHandover(pkg({ agencyId: 4 }), wallet), expected)).to.equal("WRONG_AGENCY");
    expect(checkHandover(await signHandover(pkg({ chainId: 1 }), wallet), expected)).to.equal("WRONG_CHAIN");
    const old = new Date(NOW - 60 * 60_000).toISOString();
    expect(checkHandover(await signHandover(pkg({ createdAt: old }), wallet), expected)).to.equal("TOO_OLD");
    const future = new Date(NOW + 10 * 60_000).toISOString();
    expect(checkHandover(await signHandover(pkg({ createdAt: future }), wallet), expected)).to.equal("FROM_THE_FUTURE");
    expect(checkHandover(await signHandover(pkg({ cases: [] }), wallet), expected)).to.equal("EMPTY");
    expect(checkHandover({ package: { format: "x" } } as never, expected)).to.equal("FORMAT");
  });

  it("refuses a package addressed elsewhere, for another chain, stale or too big before hashing it (no case field is read)", () => {
    let reads = 0;
    // A case whose every field counts its reads: hashing the package (canonical JSON) reads them all.
    const counted = Object.defineProperties(
      {},
      Object.fromEntries(Object.entries(pkg().cases[0]!).map(([k, v]) => [k, { enumerable: true, get: () => (reads++, v) }])),
    ) as HandoverCase;
    const unsigned = (over: Partial<HandoverPackage>) => ({ package: pkg({ cases: [counted], ...over }), packageHash: `0x${"00".repeat(32)}`, signature: "0x" });
    expect(checkHandover(unsigned({ agencyId: 4 }), expected)).to.equal("WRONG_AGENCY");
    expect(checkHandover(unsigned({ chainId: 1 }), expected)).to.equal("WRONG_CHAIN");
    expect(checkHandover(unsigned({ createdAt: new Date(NOW - 60 * 60_000).toISOString() }), expected)).to.equal("TOO_OLD");
    expect(checkHandover(unsigned({ cases: Array<HandoverCase>(HANDOVER_MAX_CASES + 1).fill(counted) }), expected)).to.equal("TOO_MANY");
    expect(reads).to.equal(0);
    // Addressed here, fresh and small: now it is hashed (and the made-up hash does not fit).
    expect(checkHandover(unsigned({}), expected)).to.equal("HASH_MISMATCH");
    expect(reads).to.be.greaterThan(0);
  });
});
