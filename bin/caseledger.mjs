#!/usr/bin/env node
// The `caseledger` command. TypeScript sources run through tsx, on whatever Node >= 20 runs this file.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../node/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
