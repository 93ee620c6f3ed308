/** What GET /healthz says of the server this page came from. */
export interface ServerStatus {
  status: "ok";
  setUp: boolean;
}

export async function fetchServerStatus(signal?: AbortSignal): Promise<ServerStatus> {
  const response = await fetch("/healthz", { signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  return (await response.json()) as ServerStatus;
}
