import { expect } from "chai";
import { EXIT, type Output, usage } from "../../../node/cli/output.js";

describe("node/cli/output: usage, a command's answer to --help or to missing arguments", () => {
  const recording = () => {
    const lines = { out: [] as string[], err: [] as string[] };
    const io: Output = { json: false, out: (l) => lines.out.push(l), err: (l) => lines.err.push(l), progress: () => undefined, done: () => undefined };
    return { io, lines };
  };

  it("prints the help on stdout and exits OK when asked for it", () => {
    const { io, lines } = recording();
    expect(usage(io, true, "HELP TEXT")).to.equal(EXIT.OK);
    expect(lines).to.deep.equal({ out: ["HELP TEXT"], err: [] });
  });

  it("prints it on stderr and exits USAGE when arguments were missing", () => {
    for (const help of [false, undefined]) {
      const { io, lines } = recording();
      expect(usage(io, help, "HELP TEXT")).to.equal(EXIT.USAGE);
      expect(lines).to.deep.equal({ out: [], err: ["HELP TEXT"] });
    }
  });
});
