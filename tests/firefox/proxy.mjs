// An HTTPS proxy for Firefox that sends the real host names to the local fixture server.
//
// Chromium maps hosts with --host-resolver-rules; Firefox has no such switch, so the test profile
// points Firefox at this proxy (network.proxy.ssl) and every `CONNECT host:443` for a host the
// fixture server serves is tunnelled to 127.0.0.1:<fixture port>. The browser still sees
// https://www.upwork.com/... and the fixture server's certificate for that name, so content scripts
// match the real origins. Everything else is refused (403 for other hosts, 405 for plain HTTP), so
// nothing from a test run leaves the machine; `refused` lists what was turned away.

import { createServer } from "node:http";
import { connect } from "node:net";

export async function startProxy({ targetPort, hosts }) {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  const tunnelled = [];
  const refused = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`);
    res.writeHead(405, { "content-type": "text/plain" });
    res.end("the test proxy only tunnels HTTPS to the fixture server\n");
  });
  server.on("connect", (req, client, head) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => {});
    const [host, port] = String(req.url).toLowerCase().split(":");
    if (!allowed.has(host) || port !== "443") {
      refused.push(`CONNECT ${req.url}`);
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    tunnelled.push(host);
    const upstream = connect(targetPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.once("close", () => upstream.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    tunnelled,
    refused,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
