// `npm run bench`: every benchmark in turn, each printing its figures as JSON.
await import("./cold-start-and-memory.ts");
await import("./inbox-throughput.ts");
await import("./fan-out.ts");
await import("./timeline-latency.ts");
