import { BlockList, isIP } from "node:net";
import type { NextFunction, Request, Response } from "express";
import type { Message } from "../messages/message.js";
import { ApiError } from "./api-error.js";

/** An IPv4 client of a dual-stack socket comes as ::ffff:a.b.c.d. */
const plain = (ip: string) => (ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/**
 * Middleware for the gateway-to-gateway routes (`/v1/handover`, `/v1/peer`): only the listed addresses (or subnets,
 * address/bits) are answered; any other client gets 403 with `refusal` before anything else is read.
 */
export function peersOnly(peers: readonly string[], refusal: Message) {
  const allowed = new BlockList();
  for (const peer of peers) {
    const [address = "", bits] = peer.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) allowed.addAddress(address, type);
    else allowed.addSubnet(address, Number(bits), type);
  }
  return (req: Request, _res: Response, next: NextFunction) => {
    const ip = plain(req.ip ?? "");
    if (isIP(ip) === 0 || !allowed.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4")) throw new ApiError("FORBIDDEN", refusal);
    next();
  };
}
