// The three remote calls every variant makes, over Node's global fetch. Its dispatcher
// (undici) keeps connections alive and opens as many per origin as there are calls in
// flight, so calls made in parallel never queue for a socket.
import type { ErrorRequestHandler } from 'express';

export interface User {
  id: number;
  name: string;
  email: string;
}
export interface Post {
  id: number;
  userId: number;
  title: string;
}
export interface Notification {
  id: number;
  userId: number;
  text: string;
}

const baseUrl = process.env.REMOTE_APIS_URL;

/** A remote call that did not answer 2xx. */
export class RemoteError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
  ) {
    super(`${path} answered ${status}`);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(baseUrl + path);
  if (!response.ok) {
    await response.text(); // read the body so the connection goes back to the pool
    throw new RemoteError(path, response.status);
  }
  return (await response.json()) as T;
}

export const getUser = (id: number | string) => getJson<User>(`/users/${encodeURIComponent(id)}`);
export const getPosts = (userId: number | string) => getJson<Post[]>(`/posts?userId=${encodeURIComponent(userId)}`);
export const getNotifications = (userId: number | string) =>
  getJson<Notification[]>(`/notifications?userId=${encodeURIComponent(userId)}`);

/** A failed remote call becomes a 502 with a JSON body; anything else goes on to Express. */
export const badGateway: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof RemoteError)) return next(error);
  res.status(502).json({ error: 'bad gateway', detail: error.message });
};
