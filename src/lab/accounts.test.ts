import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built module: the database process it starts preloads the compiled probe.
import { startLabServices } from '../../dist/src/harness/lab-services.js';
import { credentials } from './auth.js';
import { checkPassword, findUser, loginHandler } from './accounts.js';
import { send } from './http.js';
import { query } from './query.js';

// The auth labs' database client and password check against the real database process,
// seeded with lab 8's accounts and started as a run starts it: the hashes in
// fixtures/users.ts, checked with real scrypt.
const services = await startLabServices('08-jwt');
const linus = { id: 3, username: 'linus', role: 'user' };
let server: Server;
let port: number;

beforeAll(async () => {
  process.env.DATABASE_URL = services.env.DATABASE_URL;
  const app = express();
  app.post('/login', express.json(), loginHandler((user) => ({ token: `for ${user.username}` })));
  server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await services.release();
});

describe('query', () => {
  it("answers a named statement's rows from the database process at DATABASE_URL", async () => {
    expect(await query('userById', [3])).toEqual([linus]);
    expect(await query('userById', [999])).toEqual([]);
  });

  it("throws the database's error for a statement it does not have", async () => {
    await expect(query('noSuchStatement', [])).rejects.toThrow(/^database: /);
  });
});

describe('checkPassword', () => {
  it('finds the user whose scrypt hash the password matches', async () => {
    expect(await checkPassword('linus', credentials('linus').password)).toEqual(linus);
  });

  it('refuses a wrong password, another user\'s, an unknown user and anything not a string', async () => {
    expect(await checkPassword('linus', 'linus-kernel-1992')).toBeNull();
    expect(await checkPassword('linus', credentials('ada').password)).toBeNull();
    expect(await checkPassword('nobody', 'x')).toBeNull();
    expect(await checkPassword(['linus'], credentials('linus').password)).toBeNull();
    expect(await checkPassword('linus', undefined)).toBeNull();
  });
});

describe('findUser', () => {
  it('is the user by id, without the hash, or null', async () => {
    expect(await findUser(1)).toEqual({ id: 1, username: 'ada', role: 'admin' });
    expect(await findUser(999)).toBeNull();
  });
});

describe('loginHandler', () => {
  const login = (body: object) => send({ port, path: '/login', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), timeoutMs: 5000 });

  it('answers what `answer` makes for the right pair, and a 401 for a wrong one', async () => {
    const right = await login(credentials('grace'));
    expect([right.status, JSON.parse(right.body)]).toEqual([200, { token: 'for grace' }]);
    const wrong = await login({ username: 'grace', password: 'guess' });
    expect([wrong.status, JSON.parse(wrong.body)]).toEqual([401, { error: 'wrong username or password' }]);
  });
});
