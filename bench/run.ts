// `npm run bench`: every benchmark in turn, each printing its figures as JSON. The two floors measure bare
// Fedify and a server that does no work under the same loads, as yardsticks for the two beside them.
await import("./cold-start-and-memory.ts");
await import("./inbox-against-floor.ts");
await import("./fan-out.ts");
await import("./timeline-latency.ts");
await import("./http-floor.ts");
await import("./hostile-peer.ts");
await import("./memory-plateau.ts");
await import("./mastodon-import.ts");
await import("./search.ts");
