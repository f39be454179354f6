/**
 * A lab server's database client: one named statement to the lab's database process
 * (DATABASE_URL, started and seeded by devcap with the tables the lab declares), its rows
 * back. Part of the world a variant talks to, as `serve()` is: `import { query } from 'devcap/serve'`.
 * `fetch` keeps its connections alive between statements, as a pooled database client would.
 */
export async function query<Row>(name: string, params: unknown[]): Promise<Row[]> {
  const response = await fetch(`${process.env.DATABASE_URL}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, params }),
  });
  const answer = (await response.json()) as { rows: Row[]; error?: string };
  if (!response.ok) throw new Error(`database: ${answer.error}`);
  return answer.rows;
}
