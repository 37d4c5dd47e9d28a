#!/usr/bin/env node
// The `caseledger` command. Built to dist/bin/caseledger.js (`npm run build`), the file an installed package's
// `caseledger` runs on plain Node >= 20; the tests run this source through tsx.
import { main } from "../node/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
