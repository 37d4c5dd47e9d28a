/** Gateway tests start their consortium with the same code as the benchmarks and the demo. */
export { ROLE, startConsortium, type TestConsortium } from "../../scripts/lib/dev-consortium.js";
