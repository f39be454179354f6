// The database runs in its own process (SQLite, seeded with products and orders); the API
// sends it named queries over the network, as it would to any database server.
const DATABASE_URL = process.env.DATABASE_URL!;

export async function query<Row = Record<string, unknown>>(name: string, params: unknown[] = []): Promise<Row[]> {
  const response = await fetch(`${DATABASE_URL}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, params }),
  });
  if (!response.ok) throw new Error(`query ${name} failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { rows: Row[] }).rows;
}

export interface BestSeller {
  id: number;
  name: string;
  price: number;
  orders: number;
  units: number;
  revenue: number;
}

export interface Product {
  id: number;
  name: string;
  category: number;
  price: number;
}
