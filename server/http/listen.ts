import type { Server as HttpServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { UserError } from "../user-error.ts";

/** net.BoundSocket (Node 24.x): a TCP handle bound to a numeric address, which server.listen adopts. */
type BoundSocketConstructor = new (options: { host: string; port: number }) => object;

/**
 * Binds a numeric IPv4 address without server.listen(port, host)'s DNS lookup: Node looks the host up even when it
 * is an address, then asks of the answer whether it is an IPv6 link-local one, and that first isIPv6 compiles
 * Node's IPv6 expression, 50-70 ms of a start's CPU (issue #19's profile). net.BoundSocket binds the address
 * as given (it refuses anything but a numeric IP) and checks it with isIPv4 only. A host name, an IPv6 address,
 * or a Node without BoundSocket goes through listen(port, host) as before, so the same addresses are accepted.
 */
function boundIPv4Socket(host: string, port: number): object | undefined {
  const BoundSocket = (net as { BoundSocket?: BoundSocketConstructor }).BoundSocket;
  if (!BoundSocket || !net.isIPv4(host)) return undefined;
  return new BoundSocket({ host, port });
}

/** Listens on host:port; a refusal is a UserError that says what to change. */
export function listen(server: HttpServer, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(new UserError(`Port ${port} on ${host} is already in use (another Hearth?); stop that program or choose another --port.`));
      } else if (error.code === "EACCES") {
        reject(new UserError(`Not allowed to listen on ${host}:${port}; choose a port above 1023 with --port.`));
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(new UserError(`${host} is not an address of this computer; use --host 127.0.0.1.`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    let bound: object | undefined;
    try {
      bound = boundIPv4Socket(host, port);
    } catch (error) {
      // The bind refused at once (a port in use, an address not here): the same refusals as listen's.
      onError(error as NodeJS.ErrnoException);
      return;
    }
    server.once("error", onError);
    server.once("listening", onListening);
    if (bound) server.listen(bound);
    else server.listen(port, host);
  });
}
