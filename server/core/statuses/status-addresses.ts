/**
 * Where a status lives on the web. Local statuses store no uri or url: theirs derive from the canonical
 * origin (as local accounts' do), so they stay right when the instance is reached by another address.
 */

interface StatusAddressParts {
  id: string;
  uri: string | null;
  url: string | null;
  local: number;
}

/** The ActivityPub id: `${origin}/users/name/statuses/id` for ours, the stored one for a remote status. */
export function statusUri(status: StatusAddressParts, author: { username: string }, origin: string): string {
  if (status.local !== 1 && status.uri) return status.uri;
  return `${origin}/users/${author.username}/statuses/${status.id}`;
}

/** The page a person opens: `${origin}/@name/id` for ours; a remote status's url, else its id. */
export function statusUrl(status: StatusAddressParts, author: { username: string }, origin: string): string {
  if (status.local !== 1) return status.url ?? status.uri ?? `${origin}/@${author.username}/${status.id}`;
  return `${origin}/@${author.username}/${status.id}`;
}
