import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listen } from "../../server/http/listen.ts";
import { UserError } from "../../server/user-error.ts";

const servers: Server[] = [];
function server(): Server {
  const made = createServer((_request, response) => response.end("ok"));
  servers.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((made) => new Promise((resolve) => (made.listening ? made.close(resolve) : resolve(undefined)))));
});

describe("listen", () => {
  it("serves on a numeric IPv4 address and on a host name, as listen(port, host) did", async () => {
    for (const host of ["127.0.0.1", "localhost"]) {
      const address = await listen(server(), host, 0);
      const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/`;
      expect(await (await fetch(url)).text()).toBe("ok");
    }
  });

  it("says a port in use is in use, and the server can listen after", async () => {
    const first = await listen(server(), "127.0.0.1", 0);
    const refused = listen(server(), "127.0.0.1", first.port);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is already in use`);
    const again = server();
    await expect(listen(again, "127.0.0.1", first.port)).rejects.toThrow("already in use");
    expect((await listen(again, "127.0.0.1", 0)).port).not.toBe(first.port);
  });

  it("says an address that is not this computer's is not", async () => {
    await expect(listen(server(), "192.0.2.1", 0)).rejects.toThrow("192.0.2.1 is not an address of this computer");
  });
});
