// Types of gateway-heap.mjs (plain JavaScript: the runner imports it before anything is compiled).
export declare const GATEWAY_HEAP: string;
