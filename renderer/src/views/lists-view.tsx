import { useEffect, useState, type FormEvent } from "react";
import type { Account, List } from "../api/entities.ts";
import { addToList, createList, deleteList, getList, getLists, listAccounts, removeFromList, searchFollowing } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { Avatar, DisplayName } from "../components/avatar.tsx";
import { Link } from "../components/link.tsx";
import { navigate } from "../router.ts";
import { TimelineView } from "./timeline-view.tsx";

/** The reader's lists: timelines of chosen people. */
export function ListsView() {
  const { api, announce, isOnline } = useApp();
  const [lists, setLists] = useState<List[]>();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string>();

  useEffect(() => {
    getLists(api)
      .then(setLists)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const list = await createList(api, title.trim());
      setTitle("");
      navigate({ name: "list", id: list.id });
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const remove = async (list: List) => {
    try {
      await deleteList(api, list.id);
      setLists((current) => current?.filter((item) => item.id !== list.id));
      announce(`The list ${list.title} was deleted.`);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <section className="column" aria-labelledby="lists-title">
      <header className="column-header">
        <h1 id="lists-title">Lists</h1>
        <p className="muted">A list is a timeline of people you choose, apart from your home timeline.</p>
        <form className="search-form" onSubmit={(event) => void create(event)}>
          <input aria-label="Name of a new list" placeholder="Name of a new list" value={title} maxLength={100} onChange={(event) => setTitle(event.target.value)} />
          <button type="submit" className="primary" disabled={!isOnline || title.trim() === ""}>
            Create
          </button>
        </form>
      </header>
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      {lists && lists.length === 0 && <p className="empty">No lists yet.</p>}
      <ul className="account-list">
        {lists?.map((list) => (
          <li key={list.id} className="account-row">
            <Link to={{ name: "list", id: list.id }} className="account-link">
              {list.title}
            </Link>
            <button type="button" className="quiet" onClick={() => void remove(list)} aria-label={`Delete the list ${list.title}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ListMembers({ list }: { list: List }) {
  const { api, announce } = useApp();
  const [members, setMembers] = useState<Account[]>([]);
  const [query, setQuery] = useState("");
  const [candidates, setCandidates] = useState<Account[]>([]);

  useEffect(() => {
    listAccounts(api, list.id)
      .then((page) => setMembers(page.items))
      .catch(() => undefined);
  }, [api, list.id]);

  useEffect(() => {
    if (query.trim().length < 1) {
      setCandidates([]);
      return;
    }
    const timer = setTimeout(() => {
      searchFollowing(api, query.trim())
        .then(setCandidates)
        .catch(() => setCandidates([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [api, query]);

  const add = async (account: Account) => {
    try {
      await addToList(api, list.id, account.id);
      setMembers((current) => [...current.filter((item) => item.id !== account.id), account]);
      setQuery("");
      announce(`@${account.acct} was added to ${list.title}.`);
    } catch (caught) {
      announce(`That did not work: ${(caught as Error).message}`);
    }
  };
  const remove = async (account: Account) => {
    try {
      await removeFromList(api, list.id, account.id);
      setMembers((current) => current.filter((item) => item.id !== account.id));
      announce(`@${account.acct} was taken off ${list.title}.`);
    } catch (caught) {
      announce(`That did not work: ${(caught as Error).message}`);
    }
  };

  return (
    <details className="list-members">
      <summary>
        {members.length === 1 ? "1 person" : `${members.length} people`} on this list
      </summary>
      <ul className="account-list">
        {members.map((account) => (
          <li key={account.id} className="account-row">
            <span className="account-link">
              <Avatar account={account} size={32} />
              <DisplayName account={account} />
            </span>
            <button type="button" className="quiet" onClick={() => void remove(account)} aria-label={`Take @${account.acct} off the list`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <input type="search" aria-label="Add someone you follow" placeholder="Add someone you follow" value={query} onChange={(event) => setQuery(event.target.value)} />
      <ul className="account-list">
        {candidates
          .filter((account) => !members.some((member) => member.id === account.id))
          .map((account) => (
            <li key={account.id} className="account-row">
              <span className="account-link">
                <Avatar account={account} size={32} />
                <DisplayName account={account} />
              </span>
              <button type="button" onClick={() => void add(account)} aria-label={`Add @${account.acct} to the list`}>
                Add
              </button>
            </li>
          ))}
      </ul>
    </details>
  );
}

export function ListView({ id }: { id: string }) {
  const { api, cache } = useApp();
  const [list, setList] = useState<List | undefined>(() => cache.get<List>(`list:${id}`));
  useEffect(() => {
    getList(api, id)
      .then((found) => {
        setList(found);
        cache.put(`list:${id}`, found);
      })
      .catch(() => undefined);
  }, [api, cache, id]);
  return (
    <TimelineView timeline={{ kind: "list", id }} title={list?.title ?? "List"}>
      {list && <ListMembers list={list} />}
    </TimelineView>
  );
}
