// Data access: the database runs in its own process (SQLite, seeded with products) and
// answers named statements over HTTP. Failures become the API's own errors where they are
// expected (bad id, no such product, database down); anything else is thrown as it comes.
import { NotFoundError, ServiceUnavailableError, ValidationError } from './errors.js';

const DATABASE_URL = process.env.DATABASE_URL!;

export interface Product {
  id: number;
  name: string;
  category: number;
  price: number;
}

async function query<Row>(name: string, params: unknown[]): Promise<Row[]> {
  let response: Response;
  try {
    response = await fetch(`${DATABASE_URL}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, params }),
    });
  } catch (cause) {
    throw new ServiceUnavailableError('the database is unavailable, try again shortly', { cause });
  }
  const answer = (await response.json()) as { rows: Row[]; error?: string; statement?: string };
  // As query builders report a failed statement (knex, for one): its SQL, then the database's message.
  if (!response.ok) throw new Error(`${answer.statement} - ${answer.error}`);
  return answer.rows;
}

function productId(id: string): number {
  if (!/^[1-9]\d{0,8}$/.test(id)) throw new ValidationError(`product id must be a positive integer, got "${id}"`);
  return Number(id);
}

export async function findProduct(id: string): Promise<Product> {
  const [product] = await query<Product>('productById', [productId(id)]);
  if (!product) throw new NotFoundError(`product ${id} not found`);
  return product;
}

export async function setPrice(id: string, price: number): Promise<Product> {
  const [product] = await query<Product>('updateProductPrice', [price, productId(id)]);
  if (!product) throw new NotFoundError(`product ${id} not found`);
  return product;
}
